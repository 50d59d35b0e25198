/** Where media files live. Local disk today; an object store can implement the same interface. */
export interface MediaStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  /** Removes every file whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
}

export class LocalDiskStorage implements MediaStorage {
  constructor(readonly root: string) {}
  async put(_key: string, _data: Buffer): Promise<void> {
    throw new Error('TODO(helper-media)');
  }
  async get(_key: string): Promise<Buffer | null> {
    return null;
  }
  async deletePrefix(_prefix: string): Promise<void> {}
}

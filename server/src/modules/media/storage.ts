import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where media files live. Local disk today; an object store can implement the same interface.
 * Keys are relative, '/'-separated paths such as `pins/07/7211…07/0/600x.jpg`; files under a
 * key never change once written.
 */
export interface MediaStorage {
  put(key: string, data: Buffer): Promise<void>;
  /** The file's bytes, or null when there is none (a malformed key is "none" too). */
  get(key: string): Promise<Buffer | null>;
  /** Removes every file whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Moves a finished local file (a video upload, an ffmpeg output) under `key`. */
  putFile(key: string, file: string): Promise<void>;
  /** The file's size and a reader of any byte range of it, or null when there is none (videos are served by range). */
  open(key: string): Promise<StoredFile | null>;
  /** A local path of the file for ffprobe/ffmpeg, or null when the file is not on this machine's disk. */
  localPath(key: string): string | null;
}

export interface StoredFile {
  size: number;
  /** Bytes start..end inclusive (the whole file without a range). */
  read(range?: { start: number; end: number }): Readable;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MAX_KEY_LENGTH = 512;

/**
 * True for keys made of 1–16 segments of letters, digits, '_', '.', '-' that start with a
 * letter or digit: no '..', no absolute paths, no backslashes, no hidden or temp files.
 */
export function isValidMediaKey(key: string): boolean {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) return false;
  const segments = key.split('/');
  return segments.length <= 16 && segments.every((s) => SEGMENT.test(s) && !/^\.+$/.test(s));
}

export class InvalidMediaKeyError extends Error {
  constructor(key: string) {
    super(`invalid media key: ${JSON.stringify(key).slice(0, 200)}`);
    this.name = 'InvalidMediaKeyError';
  }
}

export class LocalDiskStorage implements MediaStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a key, refusing anything that could land outside the root. */
  private pathOf(key: string): string {
    if (!isValidMediaKey(key)) throw new InvalidMediaKeyError(key);
    const full = path.resolve(this.root, ...key.split('/'));
    if (!full.startsWith(this.root + path.sep)) throw new InvalidMediaKeyError(key);
    return full;
  }

  /** Atomic: written to a temp file in the same directory, then renamed over the key. */
  async put(key: string, data: Buffer): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, data, { flag: 'wx' });
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    if (!isValidMediaKey(key)) return null;
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
      throw error;
    }
  }

  /** A rename within the data directory's file system; a copy then a rename across file systems. */
  async putFile(key: string, file: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true });
    try {
      await fs.rename(file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await fs.copyFile(file, temp);
        await fs.rename(temp, target);
        await fs.rm(file, { force: true });
      } catch (copyError) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        throw copyError;
      }
    }
  }

  async open(key: string): Promise<StoredFile | null> {
    if (!isValidMediaKey(key)) return null;
    const file = this.pathOf(key);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return null;
      return {
        size: stat.size,
        read: (range) => createReadStream(file, range ? { start: range.start, end: range.end } : {}),
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw error;
    }
  }

  localPath(key: string): string | null {
    return isValidMediaKey(key) ? this.pathOf(key) : null;
  }

  async deletePrefix(prefix: string): Promise<void> {
    const dir = this.pathOf(prefix);
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The small part of POSIX tar (ustar, with pax headers for long names and huge files) that a
 * backup archive needs: regular files only. Writing yields the archive as chunks (to pipe
 * through gzip into a file); reading extracts into a directory while hashing every entry, and
 * says exactly what is wrong with a damaged archive.
 */

const BLOCK = 512;
const USTAR_MAX_SIZE = 0o77777777777; // 11 octal digits

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, type: '0' | 'x', mtimeSeconds: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(Math.min(size, USTAR_MAX_SIZE), 12), 124, 'ascii');
  block.write(octal(mtimeSeconds, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

function paxRecord(key: string, value: string): string {
  // "<length> key=value\n" where length counts itself.
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return `${length}${body}`;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** Headers for one regular file; a pax header first when the name or size does not fit ustar. */
export function entryHeaders(name: string, size: number, mtimeSeconds: number): Buffer[] {
  const records: string[] = [];
  if (Buffer.byteLength(name) > 99 || /[^\x20-\x7e]/.test(name)) records.push(paxRecord('path', name));
  if (size > USTAR_MAX_SIZE) records.push(paxRecord('size', String(size)));
  const blocks: Buffer[] = [];
  if (records.length > 0) {
    const pax = Buffer.from(records.join(''), 'utf8');
    blocks.push(header('PaxHeader', pax.length, 'x', mtimeSeconds), pax, padding(pax.length));
  }
  const shortName = Buffer.byteLength(name) > 99 ? name.slice(-90).replace(/^[^/]*\//, '') : name;
  blocks.push(header(shortName, size, '0', mtimeSeconds));
  return blocks;
}

export interface TarSource {
  /** Name inside the archive, '/'-separated. */
  name: string;
  /** A file on disk to copy, or bytes in memory. */
  file?: string;
  data?: Buffer;
}

/** The archive as chunks: each source's header, bytes and padding, then the two end blocks. */
export async function* tarChunks(
  sources: AsyncIterable<TarSource> | Iterable<TarSource>,
  onEntry?: (source: TarSource, size: number, sha256: string) => void,
): AsyncGenerator<Buffer> {
  const mtime = Math.floor(Date.now() / 1000);
  for await (const source of sources) {
    if (source.data) {
      yield* entryHeaders(source.name, source.data.length, mtime);
      yield source.data;
      yield padding(source.data.length);
      onEntry?.(source, source.data.length, createHash('sha256').update(source.data).digest('hex'));
      continue;
    }
    if (!source.file) throw new Error(`tar entry ${source.name} has neither a file nor data`);
    const handle = await fs.promises.open(source.file, 'r');
    try {
      const size = (await handle.stat()).size;
      yield* entryHeaders(source.name, size, mtime);
      // Copy exactly the size announced, even if the file grows meanwhile.
      let remaining = size;
      const hash = createHash('sha256');
      const buffer = Buffer.alloc(1024 * 1024);
      while (remaining > 0) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, remaining), null);
        if (bytesRead === 0) throw new Error(`${source.file} shrank while it was being archived`);
        const part = Buffer.from(buffer.subarray(0, bytesRead));
        hash.update(part);
        yield part;
        remaining -= bytesRead;
      }
      yield padding(size);
      onEntry?.(source, size, hash.digest('hex'));
    } finally {
      await handle.close();
    }
  }
  yield Buffer.alloc(BLOCK * 2, 0);
}

export interface ExtractedEntry {
  name: string;
  size: number;
  sha256: string;
}

function readString(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readOctal(block: Buffer, offset: number, length: number, what: string): number {
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]*$/.test(text))
    throw new ArchiveError(`the archive is damaged: a tar header's ${what} field is not a number`);
  return text === '' ? 0 : parseInt(text, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) throw new ArchiveError('the archive is damaged: a pax header record has no length');
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length)
      throw new ArchiveError('the archive is damaged: a pax header record has a wrong length');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

/**
 * Extracts regular files from a tar stream into `dir`, hashing each one. `accept` vets every
 * name before anything is written (no absolute paths or '..'); damage is an ArchiveError.
 */
export async function extractTar(
  chunks: AsyncIterable<Buffer>,
  dir: string,
  accept: (name: string) => boolean,
  onEntry?: (entry: ExtractedEntry) => void,
): Promise<ExtractedEntry[]> {
  const entries: ExtractedEntry[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  let pax: Record<string, string> = {};
  // The entry being read: its remaining bytes and where they go.
  interface OpenEntry {
    name: string;
    size: number;
    remaining: number;
    kind: 'file' | 'pax' | 'skip';
    handle: fs.promises.FileHandle | null;
    hash: ReturnType<typeof createHash>;
    paxData: Buffer[];
  }
  let current: OpenEntry | null = null;
  let skipPadding = 0;

  const openEntry = async (block: Buffer): Promise<void> => {
    const stored = readOctal(block, 148, 8, 'checksum');
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    if (sum !== stored)
      throw new ArchiveError('the archive is damaged: a tar header checksum does not match');
    const type = String.fromCharCode(block[156]!);
    const prefix = readString(block, 345, 155);
    const baseName = readString(block, 0, 100);
    const name = pax.path ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const size = pax.size !== undefined ? Number(pax.size) : readOctal(block, 124, 12, 'size');
    pax = {};
    const hash = createHash('sha256');
    if (type === 'x') {
      current = { name, size, remaining: size, kind: 'pax', handle: null, hash, paxData: [] };
    } else if (type === '0' || type === '\0') {
      if (!accept(name)) throw new ArchiveError(`bad tar: unexpected entry "${name.slice(0, 200)}"`);
      const target = path.join(dir, ...name.split('/'));
      let handle: fs.promises.FileHandle;
      try {
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        handle = await fs.promises.open(target, 'wx');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
          throw new ArchiveError(
            `the archive is damaged: entry "${name.slice(0, 200)}" clashes with another entry`,
          );
        throw error;
      }
      current = { name, size, remaining: size, kind: 'file', handle, hash, paxData: [] };
    } else if (type === '5' || type === 'g') {
      current = { name, size, remaining: size, kind: 'skip', handle: null, hash, paxData: [] };
    } else {
      throw new ArchiveError(`bad tar: entry "${name.slice(0, 200)}" is not a regular file (type ${type})`);
    }
    skipPadding = padding(size).length;
    if (size === 0) await closeEntry();
  };

  const closeEntry = async (): Promise<void> => {
    const entry = current!;
    current = null;
    if (entry.kind === 'pax') pax = parsePax(Buffer.concat(entry.paxData));
    if (entry.kind === 'file') {
      await entry.handle!.close();
      const extracted = { name: entry.name, size: entry.size, sha256: entry.hash.digest('hex') };
      entries.push(extracted);
      onEntry?.(extracted);
    }
  };

  try {
    for await (const chunk of chunks) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (!ended) {
        if (current) {
          const entry: OpenEntry = current;
          if (pending.length === 0) break;
          const take = Math.min(entry.remaining, pending.length);
          const part = pending.subarray(0, take);
          pending = pending.subarray(take);
          entry.remaining -= take;
          if (entry.kind === 'file') {
            entry.hash.update(part);
            await entry.handle!.write(part);
          } else if (entry.kind === 'pax') {
            entry.paxData.push(Buffer.from(part));
          }
          if (entry.remaining === 0) await closeEntry();
          continue;
        }
        if (skipPadding > 0) {
          const take = Math.min(skipPadding, pending.length);
          pending = pending.subarray(take);
          skipPadding -= take;
          if (skipPadding > 0) break;
          continue;
        }
        if (pending.length < BLOCK) break;
        const block = pending.subarray(0, BLOCK);
        pending = pending.subarray(BLOCK);
        if (block.every((byte) => byte === 0)) {
          ended = true;
          break;
        }
        await openEntry(block);
      }
    }
  } finally {
    const open = current as { handle: fs.promises.FileHandle | null } | null;
    await open?.handle?.close().catch(() => undefined);
  }
  if (!ended || current)
    throw new ArchiveError('the archive is truncated: it ends in the middle of an entry');
  return entries;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/lib/semaphore.js';
import { isValidMediaKey, LocalDiskStorage } from '../../src/modules/media/storage.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corkboard-storage-'));
const root = path.join(dir, 'media');
const storage = new LocalDiskStorage(root);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const filesUnder = (folder: string): string[] =>
  fs.existsSync(folder)
    ? (fs.readdirSync(folder, { recursive: true }) as string[]).filter((f) =>
        fs.statSync(path.join(folder, f)).isFile(),
      )
    : [];

describe('LocalDiskStorage', () => {
  it('stores and reads back a file by key', async () => {
    await storage.put('pins/12/5512/0/original.jpg', Buffer.from('hello'));
    expect((await storage.get('pins/12/5512/0/original.jpg'))?.toString()).toBe('hello');
    expect(await storage.get('pins/12/5512/0/missing.jpg')).toBeNull();
    expect(await storage.get('pins/12/5512/0')).toBeNull();
  });

  it('replaces a file whole and leaves no temp files behind', async () => {
    await storage.put('pins/12/5513/0/a.jpg', Buffer.alloc(100_000, 1));
    await storage.put('pins/12/5513/0/a.jpg', Buffer.from('second'));
    expect((await storage.get('pins/12/5513/0/a.jpg'))?.toString()).toBe('second');
    expect(filesUnder(path.join(root, 'pins/12/5513/0'))).toEqual(['a.jpg']);
  });

  it.each([
    '../outside.jpg',
    'pins/../../outside.jpg',
    'pins/./a.jpg',
    '/etc/passwd',
    'pins\\..\\a.jpg',
    'pins//a.jpg',
    'pins/a.jpg/',
    '',
    'pins/.hidden.jpg',
    'pins/a b.jpg',
    'pins/%2e%2e/a.jpg',
  ])('refuses the key %j for every operation', async (key) => {
    expect(isValidMediaKey(key)).toBe(false);
    await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/invalid media key/);
    expect(await storage.get(key)).toBeNull();
    await expect(storage.deletePrefix(key)).rejects.toThrow(/invalid media key/);
    expect(fs.existsSync(path.join(dir, 'outside.jpg'))).toBe(false);
  });

  it('cannot read a file outside its root even when the file exists', async () => {
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    expect(await storage.get('../secret.txt')).toBeNull();
  });

  it('deletes everything under a prefix and nothing beside it', async () => {
    await storage.put('pins/34/7734/0/original.jpg', Buffer.from('a'));
    await storage.put('pins/34/7734/1/150x150.jpg', Buffer.from('b'));
    await storage.put('pins/34/8834/0/original.jpg', Buffer.from('c'));
    await storage.deletePrefix('pins/34/7734');
    expect(filesUnder(path.join(root, 'pins/34'))).toEqual([path.join('8834', '0', 'original.jpg')]);
    await storage.deletePrefix('pins/34/no-such-root');
  });
});

describe('Semaphore', () => {
  it('lets at most its limit run at once and starts the rest in arrival order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const finish = new Map<number, () => void>();
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      semaphore.run(
        () =>
          new Promise<void>((resolve) => {
            started.push(i);
            running++;
            peak = Math.max(peak, running);
            finish.set(i, () => {
              running--;
              resolve();
            });
          }),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    finish.get(1)!();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish.get(0)!();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    finish.get(2)!();
    finish.get(3)!();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    finish.get(4)!();
    await Promise.all(tasks);
    expect(peak).toBe(2);
    expect(semaphore.inUse).toBe(0);
  });

  it('frees the slot when the task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(async () => 'next')).toBe('next');
  });
});

/*
 * Where uploaded files live. A port, so an S3-compatible bucket can replace the filesystem
 * without the commands noticing. Keys are opaque names chosen by `newObjectKey`: 64 random hex
 * digits and an extension, unguessable, so a file can be served publicly by its name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface ObjectStorage {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** null when there is no such object. */
  get(key: string): Promise<StoredObject | null>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const TYPES: Record<string, string> = Object.fromEntries(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type]));
const KEY = /^[0-9a-f]{64}\.(jpg|png|webp)$/;

export function isObjectKey(key: string): boolean {
  return KEY.test(key);
}

export function newObjectKey(contentType: string): string {
  const ext = EXTENSIONS[contentType];
  if (!ext) throw new Error(`No extension for ${contentType}`);
  return `${randomBytes(32).toString('hex')}.${ext}`;
}

/** Files under `root`, one per key; written to a temporary name first so a reader never sees half a file. */
export function fileStorage(root: string): ObjectStorage {
  let ready: Promise<unknown> | undefined;
  const path = (key: string) => {
    if (!isObjectKey(key)) throw new Error(`Invalid object key: ${key}`);
    return join(root, key);
  };
  return {
    async put(key, bytes) {
      const target = path(key);
      ready ??= mkdir(root, { recursive: true });
      await ready;
      const temporary = `${target}.${randomBytes(6).toString('hex')}.part`;
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, target);
    },
    async get(key) {
      if (!isObjectKey(key)) return null;
      try {
        return { bytes: await readFile(join(root, key)), contentType: TYPES[key.slice(key.lastIndexOf('.') + 1)]! };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}

/** The product images folder of a data directory. */
export function imageStorage(dataDir: string): ObjectStorage {
  return fileStorage(join(dataDir, 'images'));
}

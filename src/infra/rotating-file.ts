import { existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SonicBoom from 'sonic-boom';

/**
 * A log file that keeps its name: `stoflow.log` is always the current file; past `maxBytes` it
 * becomes `stoflow.log.1` (older ones shift to .2 … .keep, the oldest dropped) and writing goes
 * on in a fresh `stoflow.log`. Writes are asynchronous (sonic-boom); rotation is a few renames.
 */
export class RotatingFile {
  private out: SonicBoom;
  private size: number;
  /** Streams of rotated files still finishing their last writes. */
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly path: string,
    private readonly maxBytes = 10 * 1024 * 1024,
    private readonly keep = 5,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.size = existsSync(path) ? statSync(path).size : 0;
    this.out = this.open();
    // Whatever is still buffered reaches the file when the process exits (after a signal too).
    process.once('exit', () => this.flushSync());
  }

  /** Opened here, synchronously: the stream is writable (and flushable) at once. */
  private open(): SonicBoom {
    return new SonicBoom({ fd: openSync(this.path, 'a'), sync: false });
  }

  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    this.size += bytes;
    return this.out.write(chunk);
  }

  private rotate(): void {
    for (let n = this.keep - 1; n >= 1; n--) {
      if (existsSync(`${this.path}.${n}`)) renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    // The old descriptor follows the renamed file: what it still buffers lands in .1.
    const old = this.out;
    this.out = this.open();
    try {
      old.flushSync();
    } catch {
      // a write in flight finishes on its own; end() below waits for it
    }
    this.close(old);
    this.size = 0;
  }

  flushSync(): void {
    try {
      this.out.flushSync();
    } catch {
      // already closed: nothing left to flush
    }
  }

  private close(stream: SonicBoom): Promise<void> {
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
    stream.end();
    return closed;
  }

  /** Ends writing; resolves once every byte is in its file (the current one and rotated ones). */
  async end(): Promise<void> {
    await Promise.all([this.close(this.out), ...this.closing]);
  }
}

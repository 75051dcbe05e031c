/*
 * Writing to stdout (or an export file) with back-pressure, so a slow reader paces a long export
 * instead of the whole log piling up in memory. When the reader goes away (`stoflow events … |
 * head`), writes become no-ops and `gone` resolves: the command stops quietly.
 */
import { toJson } from './format';

export interface Output {
  write(text: string): Promise<void>;
  line(text?: string): Promise<void>;
  /** One value as one line of JSON (JSON lines, NDJSON). */
  jsonLine(value: unknown): Promise<void>;
  /** One document, indented (`--json`). */
  json(value: unknown): Promise<void>;
  readonly closed: boolean;
  readonly gone: Promise<void>;
  /** Flushes and, for files, closes. */
  end(): Promise<void>;
}

export function createOutput(stream: NodeJS.WritableStream, options: { closeOnEnd?: boolean } = {}): Output {
  let closed = false;
  let failure: Error | undefined;
  let markGone!: () => void;
  const gone = new Promise<void>((resolve) => (markGone = resolve));
  const close = () => {
    closed = true;
    markGone();
  };
  stream.on('error', (err: NodeJS.ErrnoException) => {
    // The reader went away: stop writing. Anything else (disk full) fails the next write.
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') failure = err;
    close();
  });
  stream.on('close', close);
  const check = () => {
    if (failure) throw failure;
  };

  const output: Output = {
    get closed() {
      return closed;
    },
    gone,
    async write(text) {
      check();
      if (closed || text === '') return;
      if (stream.write(text)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('close', done);
      });
      check();
    },
    line: (text = '') => output.write(`${text}\n`),
    jsonLine: (value) => output.write(`${toJson(value)}\n`),
    json: (value) => output.write(`${toJson(value, 2)}\n`),
    async end() {
      check();
      if (closed) return;
      await new Promise<void>((resolve, reject) => {
        if (options.closeOnEnd) {
          stream.once('error', reject);
          stream.end(() => resolve());
        } else {
          stream.write('', () => resolve());
        }
      });
    },
  };
  return output;
}

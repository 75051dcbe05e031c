// The log file as the service writes it: the real logger on a temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLogger } from '../../src/infra/logger';

const COMPILED_LOGGER = join(__dirname, '..', '..', 'dist', 'src', 'infra', 'logger.js');

/** The numbers of the `stoflow.N.log` files in `dir`, ascending. */
function numbered(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => /^stoflow\.(\d+)\.log$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function lines(path: string): { msg: string; n?: number }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { msg: string; n?: number });
}

/** The service logs across event-loop turns (one request, one line); so does this. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('The log file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stoflow-logs-'));
    // The logger writes every line to stdout too: kept out of the test report.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('When it grows past its size, then a new numbered file starts, current.log follows it, and only the 5 newest older files are kept', async () => {
    const maxFileBytes = 1000;
    const { logger, end } = await createFileLogger({ level: 'info', dir, maxFileBytes });
    for (let n = 1; n <= 80; n++) {
      logger.info({ n, pad: 'x'.repeat(100) }, 'line');
      await nextTurn();
    }
    await end();

    const files = numbered(dir);
    const active = files[files.length - 1]!;
    expect(readlinkSync(join(dir, 'current.log'))).toBe(`stoflow.${active}.log`);
    const older = files.slice(0, -1);
    expect(older).toEqual([active - 5, active - 4, active - 3, active - 2, active - 1]);
    const lineBytes = Buffer.byteLength(readFileSync(join(dir, `stoflow.${older[0]}.log`), 'utf8').split('\n')[0]!) + 1;
    for (const n of older) {
      // Left for the next file by the line that reached the size, not before and not later.
      const size = statSync(join(dir, `stoflow.${n}.log`)).size;
      expect(size).toBeGreaterThanOrEqual(maxFileBytes);
      expect(size).toBeLessThan(maxFileBytes + lineBytes);
    }
    // The kept files hold the newest lines, in order, up to the last one logged.
    const kept = files.flatMap((n) => lines(join(dir, `stoflow.${n}.log`))).map((l) => l.n);
    expect(kept[kept.length - 1]).toBe(80);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 80 - kept.length + 1 + i));
    expect(kept.length).toBeLessThan(80);
  });

  it('When it is opened again, then it appends to the current file and counts what that file already holds', async () => {
    const first = await createFileLogger({ level: 'info', dir, maxFileBytes: 1000 });
    first.logger.info({ pad: 'a'.repeat(600) }, 'first run');
    await first.end();

    const second = await createFileLogger({ level: 'info', dir, maxFileBytes: 1000 });
    second.logger.info({ pad: 'b'.repeat(600) }, 'second run'); // 1000 bytes reached with this one
    await nextTurn();
    second.logger.info('after the size was reached');
    await second.end();

    expect(lines(join(dir, 'stoflow.1.log')).map((l) => l.msg)).toEqual(['first run', 'second run']);
    expect(lines(join(dir, 'stoflow.2.log')).map((l) => l.msg)).toEqual(['after the size was reached']);
    expect(readlinkSync(join(dir, 'current.log'))).toBe('stoflow.2.log');
  });

  it('When the process exits right after logging, then every line is in the file', () => {
    if (!existsSync(COMPILED_LOGGER)) throw new Error(`${COMPILED_LOGGER} is missing: run the build first (npm test does)`);
    // No end(), no flush: process.exit straight after the last line, as a failing start does.
    const script = `
      const { createFileLogger } = require(${JSON.stringify(COMPILED_LOGGER)});
      createFileLogger({ level: 'info', dir: ${JSON.stringify(dir)} }).then(({ logger }) => {
        for (let n = 1; n <= 500; n++) logger.info({ n }, 'before exit');
        process.exit(3);
      });`;
    const child = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(3);
    expect(lines(join(dir, 'current.log')).map((l) => l.n)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('When the logger is ended, then a line logged afterwards goes to stdout only and nothing fails', async () => {
    const { logger, end } = await createFileLogger({ level: 'info', dir });
    logger.info('last line of the file');
    await end();
    expect(() => logger.info('late line')).not.toThrow();
    expect(lines(join(dir, 'current.log')).map((l) => l.msg)).toEqual(['last line of the file']);
  });
});

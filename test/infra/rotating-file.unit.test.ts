import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFile } from '../../src/infra/rotating-file';

describe('The rotating log file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stoflow-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('When it grows past its size, then stoflow.log starts afresh and older files shift, keeping only the newest few', async () => {
    const path = join(dir, 'stoflow.log');
    const file = new RotatingFile(path, 100, 2);
    const line = (n: number) => `${JSON.stringify({ n, pad: 'x'.repeat(40) })}\n`; // 58 bytes
    for (let n = 1; n <= 7; n++) file.write(line(n));
    await file.end();
    // 7 lines of 58 bytes, at most one full line per 100 bytes: 1 line per file.
    expect(readFileSync(path, 'utf8')).toBe(line(7));
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(line(6));
    expect(readFileSync(`${path}.2`, 'utf8')).toBe(line(5));
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('When it is opened again, then it appends and counts what the file already holds', async () => {
    const path = join(dir, 'stoflow.log');
    const first = new RotatingFile(path, 1000);
    first.write('a'.repeat(600) + '\n');
    await first.end();
    const second = new RotatingFile(path, 1000);
    second.write('b'.repeat(600) + '\n');
    await second.end();
    expect(statSync(path).size).toBe(601);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('a'.repeat(600) + '\n');
  });
});

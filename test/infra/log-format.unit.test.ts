// What a developer sees on the terminal, and what lands in the file, as the entry points log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLogs } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';

describe('The log format', () => {
  let dir: string;
  let printed: string[];
  const wasTTY = process.stdout.isTTY;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stoflow-logs-'));
    printed = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.stdout.isTTY = wasTTY;
    rmSync(dir, { recursive: true, force: true });
  });

  async function logOnce(environment: string, tty: boolean): Promise<{ printed: string; file: string }> {
    process.stdout.isTTY = tty;
    const logs = await openLogs(loadConfig({ ENVIRONMENT: environment, LOG_LEVEL: 'info', LOG_DIR: dir, JWT_SECRET_KEY: 'x'.repeat(40), PASSWORD_PEPPER: 'p'.repeat(40), TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32) }), 'api');
    logs.logger.info({ port: 8000 }, 'Stoflow is listening');
    await logs.end();
    return { printed: printed.join(''), file: readFileSync(join(dir, 'api', 'current.log'), 'utf8') };
  }

  it('When in development on a terminal, then stdout shows readable lines and the file keeps JSON', async () => {
    const { printed, file } = await logOnce('development', true);
    expect(printed).toMatch(/INFO.*Stoflow is listening/);
    expect(printed).toContain('port: 8000');
    expect(() => JSON.parse(printed)).toThrow();
    expect(JSON.parse(file)).toMatchObject({ level: 30, msg: 'Stoflow is listening', port: 8000 });
  });

  it.each([
    ['development', false],
    ['production', true],
    ['test', true],
  ])('When ENVIRONMENT is %s and stdout a terminal is %s, then stdout is JSON', async (environment, tty) => {
    const { printed } = await logOnce(environment, tty);
    expect(JSON.parse(printed)).toMatchObject({ level: 30, msg: 'Stoflow is listening', port: 8000 });
  });
});

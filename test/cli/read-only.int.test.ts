import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, stoflow } from './support';

describe('stoflow CLI: commands that only read', () => {
  let dataDir: string;
  let outDir: string;
  beforeAll(() => assertBuilt());
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stoflow-cli-empty-'));
    outDir = mkdtempSync(join(tmpdir(), 'stoflow-cli-out-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  /** No DATABASE_URL: the embedded PostgreSQL under STOFLOW_DATA_DIR is the only database there could be. */
  const embeddedOnly = (dir: string) => ({ DATABASE_URL: undefined, STOFLOW_DATA_DIR: dir });

  it('When there is no database yet, then each read-only command says where it looked and to migrate first, exits 2 and creates nothing', async () => {
    const readOnly = [
      ['tenants'],
      ['history', '1', 'reactions-stock'],
      ['state', '1', randomUUID()],
      ['events', '1'],
      ['verify', '--all'],
      ['export', '1', '--out', join(outDir, 'backups', 'tenant-1.ndjson')],
      ['migrate:status'],
    ];
    const results = await Promise.all(readOnly.map((args) => stoflow(args, embeddedOnly(dataDir))));
    results.forEach((result, i) => {
      const name = readOnly[i]![0]!;
      expect({ name, code: result.code, stdout: result.stdout }).toEqual({ name, code: 2, stdout: '' });
      expect(result.stderr.split('\n')).toEqual([expect.stringContaining(`stoflow ${name}: No database yet`), '']);
      expect(result.stderr).toContain(`no embedded PostgreSQL in ${dataDir} (STOFLOW_DATA_DIR)`);
      expect(result.stderr).toContain('Run `npm start` or `stoflow migrate` first');
    });
    expect(readdirSync(dataDir)).toEqual([]);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('When STOFLOW_DATA_DIR does not exist, then a read-only command leaves it so', async () => {
    const missing = join(dataDir, 'not-yet');
    const result = await stoflow(['tenants', '--json'], embeddedOnly(missing));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no embedded PostgreSQL in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});

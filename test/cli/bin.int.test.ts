import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTenant, testKnex } from '../support/db';
import { assertBuilt, environment, type CliResult } from './support';

const ROOT = join(__dirname, '..', '..');
const { staleReason } = require('../../bin/ensure-built') as { staleReason(root: string): string | null };

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = environment({})): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the stoflow command (bin/stoflow.js)', () => {
  it('When `npx stoflow tenants --json` runs in the checkout, then stdout is the JSON document alone', async () => {
    assertBuilt();
    const knex = testKnex();
    const tenant = await createTestTenant(knex, 'Shop listed through npx').finally(() => knex.destroy());
    const result = await run('npx', ['stoflow', 'tenants', '--json'], ROOT);
    // npm may warn on stderr about its own settings; the CLI has nothing to say there.
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('stoflow') });
    const tenants = JSON.parse(result.stdout) as { tenant: number; name: string | null }[];
    expect(tenants).toContainEqual(expect.objectContaining({ tenant, name: 'Shop listed through npx' }));
  }, 60_000);

  /** A checkout of its own: the real bin/ and node_modules, a one-file CLI that prints its arguments. */
  describe('in a checkout whose dist/ is missing or out of date', () => {
    let root: string;
    const main = (text: string) => writeFileSync(join(root, 'src', 'cli', 'main.ts'), `export function main(): void {\n  ${text}\n}\n`);
    const stoflow = (...args: string[]) => run(process.execPath, [join(root, 'bin', 'stoflow.js'), ...args], root, process.env);

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'stoflow-bin-'));
      mkdirSync(join(root, 'bin'));
      for (const file of ['stoflow.js', 'ensure-built.js']) copyFileSync(join(ROOT, 'bin', file), join(root, 'bin', file));
      symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      const compilerOptions = { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, outDir: 'dist', rootDir: '.', incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo', types: ['node'] };
      writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }));
      mkdirSync(join(root, 'src', 'cli'), { recursive: true });
      main("process.stdout.write(JSON.stringify({ argv: process.argv.slice(2) }) + '\\n');");
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('When dist/ is missing or older than the sources, then it builds first, saying so on stderr only', async () => {
      expect(staleReason(root)).toBe('dist/ is not built yet');
      const first = await stoflow('tenants', '--json');
      expect(first.code).toBe(0);
      expect(first.stdout).toBe('{"argv":["tenants","--json"]}\n');
      expect(first.stderr).toContain('stoflow: building (dist/ is not built yet)');

      const again = await stoflow('tenants');
      expect(again).toEqual({ code: 0, stdout: '{"argv":["tenants"]}\n', stderr: '' });

      main("process.stdout.write('changed\\n');");
      expect(staleReason(root)).toBe(join('src', 'cli', 'main.ts') + ' changed since the last build');
      const changed = await stoflow();
      expect(changed.stdout).toBe('changed\n');
      expect(changed.stderr).toContain('changed since the last build');
    }, 90_000);

    it('When the build fails, then the errors and the reason go to stderr, stdout stays empty, and it exits 2', async () => {
      main("const count: number = 'three';\n  process.stdout.write(String(count));");
      const result = await stoflow('tenants', '--json');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain("Type 'string' is not assignable to type 'number'");
      expect(result.stderr).toContain('stoflow: the build failed');
    }, 60_000);

    it('When there are no sources (dist/ only), then nothing is built', () => {
      rmSync(join(root, 'src'), { recursive: true });
      expect(staleReason(root)).toBeNull();
    });
  });
});

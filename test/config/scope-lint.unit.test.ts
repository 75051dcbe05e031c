import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/** What the project's ESLint says of `code` as if it were the file `file` (the CLI: the config is ESM). */
async function lintMessages(code: string, file: string): Promise<{ line: number; message: string }[]> {
  const linting = run(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', join(root, file)], { cwd: root });
  linting.child.stdin?.end(code);
  // Exit code 1 means "problems found": the JSON is still on stdout.
  const { stdout } = await linting.catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '[]' }));
  const [result] = JSON.parse(stdout) as { messages: { ruleId: string | null; line: number; message: string }[] }[];
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map(({ line, message }) => ({ line, message }));
}

describe('search_path and role changes outside the tenant-transaction helper', () => {
  it('When any other file sets or resets search_path or a role, then lint refuses each statement', async () => {
    const code = [
      "export const a = `select set_config('search_path', $1, true)`;",
      "export const b = 'SET LOCAL ROLE client_7';",
      "export const c = 'set role stoflow_app';",
      "export const d = 'set search_path to client_7, public';",
      'export const e = `reset role`;',
      "export const fine = 'select 1';",
    ].join('\n');
    const messages = await lintMessages(code, 'src/queries/products/probe.ts');
    expect(messages.map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
    expect(messages[0]!.message).toContain('src/infra/db/tenant-transaction.ts');
  }, 60_000);

  it('When the helper itself, or a function pinning its own schema, does it, then lint lets it be', async () => {
    expect(await lintMessages("export const q = `select set_config('search_path', $1, true)`;\n", 'src/infra/db/tenant-transaction.ts')).toEqual([]);
    expect(await lintMessages("export const q = 'create function f() returns int language sql set search_path from current as $$ select 1 $$';\n", 'migrations/tenant/probe.ts')).toEqual([]);
  }, 60_000);
});

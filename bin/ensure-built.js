'use strict';
/**
 * Keeps dist/ in step with the sources for `npx stoflow`: when dist/ is missing or older than
 * src/, migrations/ or tsconfig.json, it runs the TypeScript build first. Everything the build
 * says goes to stderr, so stdout stays the command's answer (`npx stoflow tenants --json | jq`).
 *
 * The time of the last build is the modification time of tsc's build info: an incremental build
 * rewrites it whenever it emits, and this module sets it after a build that had nothing to emit
 * (a source saved without changes), so such a build is not repeated on every run.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, statSync, utimesSync } = require('node:fs');
const { join, relative } = require('node:path');

const SOURCES = ['src', 'migrations', 'tsconfig.json'];
const MAIN = join('dist', 'src', 'cli', 'main.js');
const BUILD_INFO = join('dist', '.tsbuildinfo');

/** The most recently modified file under `path` (a file or a folder), or null when there is none. */
function newest(path) {
  if (!existsSync(path)) return null;
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
  let found = null;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const candidate = newest(join(path, entry.name));
    if (candidate && (!found || candidate.mtimeMs > found.mtimeMs)) found = candidate;
  }
  return found;
}

/** Why dist/ needs a build, or null when it is current (or there are no sources to build it from). */
function staleReason(root) {
  if (!existsSync(join(root, 'src'))) return null;
  if (!existsSync(join(root, MAIN)) || !existsSync(join(root, BUILD_INFO))) return 'dist/ is not built yet';
  const built = statSync(join(root, BUILD_INFO)).mtimeMs;
  for (const source of SOURCES) {
    const changed = newest(join(root, source));
    if (changed && changed.mtimeMs > built) return `${relative(root, changed.path)} changed since the last build`;
  }
  return null;
}

/** Builds when needed; false (after saying why on stderr) when the CLI cannot run. */
function ensureBuilt(root) {
  const stderr = process.stderr;
  const reason = staleReason(root);
  if (reason === null) {
    if (existsSync(join(root, MAIN))) return true;
    stderr.write(`stoflow: ${MAIN} is missing and there are no sources to build it from\n`);
    return false;
  }
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    stderr.write(`stoflow: ${reason}, and TypeScript is not installed to build it: run \`npm ci\`, then \`npm run build\`\n`);
    return false;
  }
  stderr.write(`stoflow: building (${reason})…\n`);
  // An incremental build trusts its build info even when the files it lists were deleted.
  if (!existsSync(join(root, MAIN))) rmSync(join(root, BUILD_INFO), { force: true });
  const started = new Date();
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0 || !existsSync(join(root, MAIN))) {
    stderr.write('stoflow: the build failed (see above); `npm run build` shows the same errors\n');
    return false;
  }
  // The start of the build, not its end: a source saved while it ran is built next time.
  if (existsSync(join(root, BUILD_INFO))) utimesSync(join(root, BUILD_INFO), started, started);
  return true;
}

module.exports = { ensureBuilt, staleReason };

#!/usr/bin/env node
'use strict';
/**
 * node scripts/build.js — what `npm start`, `npm run worker` and the other run scripts do before
 * starting: the TypeScript build (incremental, so quick when nothing changed). When the sources
 * are newer than the last build (always on a fresh clone) it first says so on stderr, since that
 * build takes a while and would otherwise look like a hang. Plain Node: it runs before any build.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
// tsc writes it only when something changed; it is touched below after every build, so its
// time is that of the last build whatever tsc did.
const stamp = join(root, 'dist', '.tsbuildinfo');
const inputs = ['src', 'migrations', 'test', 'bench', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json'];

/** The newest modification time under `path`; folders count too (a file added or removed). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const lastBuild = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (inputs.some((input) => newest(join(root, input)) > lastBuild)) {
  process.stderr.write('Building Stoflow (TypeScript → dist/)…\n');
}
const tsc = require.resolve('typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (build.error) throw build.error;
if (build.status !== 0) process.exit(build.status ?? 1);
if (existsSync(stamp)) {
  const now = new Date();
  utimesSync(stamp, now, now);
}

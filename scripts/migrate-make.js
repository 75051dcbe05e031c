#!/usr/bin/env node
'use strict';
/**
 * npm run migrate:make -- public|tenant NAME
 *
 * Writes migrations/<kind>/NNNN_name.ts (the next number) with an up(knex) skeleton and registers
 * it at the end of migrations/<kind>/index.ts. Plain Node, so it runs before any build.
 * STOFLOW_MIGRATIONS_DIR points it at another migrations folder (tests).
 */
const { existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

const USAGE = 'Usage: npm run migrate:make -- public|tenant NAME   (e.g. npm run migrate:make -- tenant add_listings)';

function fail(message) {
  process.stderr.write(`migrate:make: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const [kind, ...words] = process.argv.slice(2);
if (kind === '--help' || kind === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (kind !== 'public' && kind !== 'tenant') fail(kind === undefined ? 'say which kind: public or tenant' : `unknown kind ${JSON.stringify(kind)}: public or tenant`);
// "Add listings table" → add_listings_table
const name = words
  .join(' ')
  .trim()
  .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
  .toLowerCase()
  .replace(/[^a-z0-9]+/g, '_')
  .replace(/^_+|_+$/g, '');
if (!name) fail('give the migration a name');
if (!/^[a-z]/.test(name)) fail(`the name must start with a letter, got ${JSON.stringify(name)}`);

const root = resolve(process.env.STOFLOW_MIGRATIONS_DIR || join(__dirname, '..', 'migrations'));
const dir = join(root, kind);
const indexFile = join(dir, 'index.ts');
if (!existsSync(indexFile)) fail(`${relative(process.cwd(), indexFile)} is missing`);

const numbers = readdirSync(dir)
  .map((file) => /^(\d{4})_.+\.ts$/.exec(file))
  .filter(Boolean)
  .map((match) => Number(match[1]));
const number = String(Math.max(0, ...numbers) + 1).padStart(4, '0');
const id = `${number}_${name}`;
const file = join(dir, `${id}.ts`);
if (existsSync(file)) fail(`${relative(process.cwd(), file)} already exists`);

const where =
  kind === 'tenant'
    ? 'Runs once per tenant with `search_path = client_N, public`: unqualified names land in the tenant schema.'
    : 'Runs once, in the public schema.';
const skeleton = `import type { Knex } from 'knex';

/**
 * TODO: say what this migration changes and why.
 * ${where} It runs in one transaction with the schema's other pending migrations.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(\`
    -- ${kind === 'tenant' ? 'create table listings (id uuid primary key, ...);' : 'create table platform_accounts (id uuid primary key, ...);'}
  \`);
}
`;

// Register it: an import after the last one, an entry at the end of the list.
const index = readFileSync(indexFile, 'utf8');
const lines = index.split('\n');
const lastImport = lines.reduce((at, line, i) => (/^import \* as m\d{4} from '\.\/\d{4}_[a-z0-9_]+';$/.test(line) ? i : at), -1);
const closing = lines.lastIndexOf('];');
if (lastImport < 0 || closing < 0) fail(`cannot find where to register the migration in ${relative(process.cwd(), indexFile)}`);
const entryIndent = (/^(\s*)\{ name:/.exec(lines[closing - 1] || '') || [null, '  '])[1];
lines.splice(closing, 0, `${entryIndent}{ name: '${id}', ...m${number} },`);
lines.splice(lastImport + 1, 0, `import * as m${number} from './${id}';`);

writeFileSync(file, skeleton, { flag: 'wx' });
writeFileSync(indexFile, lines.join('\n'));
process.stdout.write(`Created ${relative(process.cwd(), file)} and registered it in ${relative(process.cwd(), indexFile)}\n`);

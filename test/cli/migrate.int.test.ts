import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { tenantMigrations } from '../../migrations/tenant';
import { createTestTenant, databaseUrl, testKnex, testTenancy } from '../support/db';
import { assertBuilt, stoflow, stoflowJson } from './support';

interface StatusJson {
  schema: string;
  version: string | null;
  applied: string[];
  pending: string[];
}

interface MigrateJson {
  public_applied: string[];
  tenants: number;
  tenants_migrated: number;
  failures: { tenantId: number; schema: string; error: string }[];
}

describe('stoflow CLI: migrate, migrate:status, seed', () => {
  let knex: Knex;

  beforeAll(() => {
    assertBuilt();
    knex = testKnex();
  });
  afterAll(() => knex.destroy());

  /** A tenant row whose schema was never created: a tenant that is behind on every migration. */
  async function tenantWithoutSchema(): Promise<number> {
    const [row] = await knex('public.tenants').insert({ business_name: 'Behind', account_type: 'business', schema_name: `pending_${randomBytes(8).toString('hex')}` }).returning('id');
    const id = (row as { id: number }).id;
    await knex('public.tenants').where({ id }).update({ schema_name: testTenancy.schema(id) });
    return id;
  }

  describe('on an empty database', () => {
    const name = `stoflow_cli_${process.pid}_${randomBytes(4).toString('hex')}`;
    const url = new URL(databaseUrl());
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString() };

    afterAll(async () => {
      const admin = new pg.Client({ connectionString: process.env.STOFLOW_TEST_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    });

    it('When migrate and seed run on a new database, then public is created and seeded, and status says all is applied', async () => {
      const early = await stoflow(['seed'], env);
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('run `stoflow migrate` first');
      expect((await stoflow(['migrate:status', '--check'], env)).code).toBe(1);

      const migrated = await stoflowJson<MigrateJson>(['migrate'], 0, env);
      expect(migrated.public_applied.length).toBeGreaterThan(0);
      expect(migrated).toMatchObject({ tenants: 0, failures: [] });

      const status = await stoflowJson<StatusJson[]>(['migrate:status'], 0, env);
      expect(status).toEqual([{ schema: 'public', version: migrated.public_applied.at(-1), applied: migrated.public_applied, pending: [] }]);
      expect((await stoflow(['migrate:status', '--check'], env)).code).toBe(0);

      const seeded = await stoflowJson<Record<string, number>>(['seed'], 0, env);
      expect(Object.values(seeded).every((n) => n > 0)).toBe(true);
      expect(await stoflowJson<Record<string, number>>(['seed'], 0, env)).toEqual(seeded);

      const again = await stoflow(['migrate'], env);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('public: up to date\ntenants: 0 checked, 0 migrated, 0 failed\n');
      expect((await stoflow(['tenants'], env)).stdout).toBe('No tenants yet.\n');
    }, 90_000); // six CLI processes, each on a fresh database: slow on a busy machine
  });

  it('When one tenant fails to migrate, then it is reported by name and exit is 1 while the others migrate; a rerun after the fix exits 0', async () => {
    const broken = await createTestTenant(knex);
    const behind = await tenantWithoutSchema();
    // Forget that 0002 ran: applying it again collides with its own tables.
    const second = tenantMigrations[1]!.name;
    await knex.withSchema(testTenancy.schema(broken)).from('schema_migrations').where({ name: second }).delete();

    const failed = await stoflow(['migrate', '--tenant', String(broken), '--tenant', String(behind)]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('tenants: 2 checked, 1 migrated, 1 failed');
    expect(failed.stdout).toMatch(new RegExp(`\\n +${broken} +${testTenancy.schema(broken)} +.*already exists`));

    const status = await stoflowJson<StatusJson[]>(['migrate:status', '--pending']);
    expect(status.find((s) => s.schema === testTenancy.schema(broken))).toMatchObject({ pending: [second] });
    expect(status.find((s) => s.schema === testTenancy.schema(behind))).toBeUndefined();
    const table = await stoflow(['migrate:status']);
    expect(table.stdout).toMatch(new RegExp(`\\n${testTenancy.schema(behind)} +${tenantMigrations.at(-1)!.name} +${tenantMigrations.length} +–\\n`));

    await knex.withSchema(testTenancy.schema(broken)).insert({ name: second }).into('schema_migrations');
    const rerun = await stoflowJson<MigrateJson>(['migrate', '--tenant', String(broken), '--tenant', String(behind)]);
    expect(rerun).toMatchObject({ tenants: 2, tenants_migrated: 0, failures: [] });
  });

  it('When many tenants migrate with --progress, then a bar with rate and ETA goes to stderr', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await tenantWithoutSchema());
    const result = await stoflow(['migrate', '--progress', '--concurrency', '8', ...ids.flatMap((id) => ['--tenant', String(id)])]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tenants: 20 checked, 20 migrated, 0 failed');
    expect(result.stderr).toMatch(/migrate tenants +\[#+\] 100% +20\/20 +\d+ tenants\/s +ETA 0:00\n$/);
  });

  describe('npm run migrate:make', () => {
    const script = join(__dirname, '..', '..', 'scripts', 'migrate-make.js');
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'stoflow-migrations-'));
      for (const kind of ['public', 'tenant']) {
        mkdirSync(join(root, kind));
        copyFileSync(join(__dirname, '..', '..', 'migrations', kind, 'index.ts'), join(root, kind, 'index.ts'));
        for (const file of readdirSync(join(__dirname, '..', '..', 'migrations', kind)).filter((f) => /^\d{4}_/.test(f))) {
          copyFileSync(join(__dirname, '..', '..', 'migrations', kind, file), join(root, kind, file));
        }
      }
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const make = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { env: { ...process.env, STOFLOW_MIGRATIONS_DIR: root }, encoding: 'utf8' });

    it('When a migration is made, then it gets the next number, an up(knex) skeleton, and its place in the index', () => {
      // The number after the highest (a number may be left free for a change still to come).
      const highest = Math.max(...readdirSync(join(root, 'tenant')).filter((f) => /^\d{4}_/.test(f)).map((f) => Number(f.slice(0, 4))));
      const next = String(highest + 1).padStart(4, '0');
      const result = make('tenant', 'Add listings table');
      expect(result.status).toBe(0);
      const file = join(root, 'tenant', `${next}_add_listings_table.ts`);
      expect(readFileSync(file, 'utf8')).toContain('export async function up(knex: Knex): Promise<void> {');
      const index = readFileSync(join(root, 'tenant', 'index.ts'), 'utf8');
      expect(index).toContain(`import * as m${next} from './${next}_add_listings_table';\n`);
      expect(index).toMatch(new RegExp(`  \\{ name: '${next}_add_listings_table', \\.\\.\\.m${next} \\},\\n\\];`));

      expect(make('public', 'payouts').status).toBe(0);
      const publicCount = readdirSync(join(root, 'public')).filter((f) => /^\d{4}_/.test(f)).length;
      expect(readdirSync(join(root, 'public'))).toContain(`${String(publicCount).padStart(4, '0')}_payouts.ts`);
    });

    it('When the kind or the name is missing or wrong, then it explains and exits 2, writing nothing', () => {
      const before = readFileSync(join(root, 'tenant', 'index.ts'), 'utf8');
      for (const args of [[], ['tables', 'x'], ['tenant'], ['tenant', '42']]) {
        const result = make(...args);
        expect(result.status).toBe(2);
        expect(result.stderr).toContain('Usage: npm run migrate:make -- public|tenant NAME');
      }
      expect(readFileSync(join(root, 'tenant', 'index.ts'), 'utf8')).toBe(before);
    });
  });
});

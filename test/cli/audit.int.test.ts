import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { databaseUrl } from '../support/db';
import { createProduct, registerSeller, startProductsApp, type Seller } from '../products/support';
import { assertBuilt, followStoflow, stoflow, stoflowJson } from './support';

interface HistoryJson {
  stream: string;
  events: { version: number; position: number; at: string; type: string; actor: string | null; actor_email: string | null; changes: { field: string; from?: unknown; to: unknown }[] }[];
}

interface StateJson {
  version: number;
  latest_version: number;
  state: { id: string; price_cents: number; stock_quantity: number; details: { title: string } } | null;
}

interface EventJson {
  position: number;
  stream: string;
  version: number;
  id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: string;
}

const COMMANDS = ['tenants', 'history', 'state', 'replay', 'verify', 'events', 'export', 'import', 'plan', 'migrate', 'migrate:status', 'seed'];

describe('stoflow CLI: tenants, history, state, events', () => {
  let t: TestApp;
  let seller: Seller;
  let productId: string;
  const parseLines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EventJson);

  beforeAll(async () => {
    assertBuilt();
    t = await startProductsApp();
    seller = await registerSeller(t.app);
    const product = await createProduct(t.app, seller, { price: 39.9, title: 'Veste en jean' });
    productId = product.id;
    const edit = await request(t.app).patch(`/api/products/${productId}`).set(seller.auth).set('If-Match', `"${product.version}"`).send({ price: 24.9 });
    expect(edit.status).toBe(200);
  });
  afterAll(() => t.close());

  describe('usage', () => {
    it('When any command is asked for --help, then it prints its usage and exits 0 without a database', async () => {
      const results = await Promise.all(COMMANDS.map((name) => stoflow([name, '--help'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })));
      results.forEach((result, i) => {
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^Usage: stoflow ${COMMANDS[i]}`));
        expect(result.stdout).toContain('Exit codes');
      });
      const general = await stoflow(['--help']);
      expect(general.code).toBe(0);
      for (const name of COMMANDS) expect(general.stdout).toContain(`  ${name} `);
    });

    it('When the command line is wrong, then it says why and exits 2', async () => {
      const cases: [string[], RegExp][] = [
        [['nope'], /unknown command "nope"/],
        [['history', '7'], /missing arguments/],
        [['history', 'seven', 'x'], /tenant must be a tenant id/],
        [['history', '2000000000', 'x'], /There is no tenant 2000000000/],
        [['state', String(seller.tenantId), randomUUID(), '--at', 'yesterday'], /--at takes an ISO time/],
        [['replay'], /--tenant N, or take every tenant with --all/],
        [['replay', '--all', '--projection', 'nope'], /Unknown projection nope \(known: .*products/],
        [['events', '1', '--bogus'], /Unknown option '--bogus'/],
      ];
      const results = await Promise.all(cases.map(([args]) => stoflow(args)));
      results.forEach((result, i) => {
        expect({ args: cases[i]![0], code: result.code }).toEqual({ args: cases[i]![0], code: 2 });
        expect(result.stderr).toMatch(cases[i]![1]);
        expect(result.stdout).toBe('');
      });
    });

    it('When PostgreSQL cannot be reached, then it says so without the password and exits 2', async () => {
      const result = await stoflow(['tenants'], { DATABASE_URL: 'postgres://stoflow:s3cret@127.0.0.1:1/stoflow' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Cannot connect to PostgreSQL at postgres://stoflow:***@127.0.0.1:1/stoflow');
      expect(result.stderr).not.toContain('s3cret');
    });
  });

  describe('the embedded default', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'stoflow-cli-'));
      mkdirSync(join(dataDir, 'postgres'));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    let server: ChildProcess | undefined;
    afterEach(() => {
      server?.kill('SIGKILL');
      server = undefined;
    });

    /**
     * What a running embedded server leaves in the data folder: its pid file and the saved
     * settings, naming a process started by this (Node.js) process that looks like a postgres
     * serving the folder (`postgres -D <folder>`), as the start checks it in /proc.
     */
    function pretendRunning(port: number): number {
      server = spawn('bash', ['-c', 'sleep 120; :', 'x', '-D', join(dataDir, 'postgres')], { argv0: 'postgres', stdio: 'ignore' });
      writeFileSync(join(dataDir, 'postgres.json'), JSON.stringify({ port, password: 'postgres' }));
      writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), `${server.pid}\n${dataDir}/postgres\n1700000000\n${port}\n/tmp\n127.0.0.1\n`);
      return server.pid!;
    }

    it('When Stoflow already runs the embedded PostgreSQL, then the CLI uses that server instead of starting a second one', async () => {
      pretendRunning(Number(new URL(databaseUrl()).port));
      const result = await stoflow(['migrate:status', '--json'], { DATABASE_URL: undefined, STOFLOW_DATA_DIR: dataDir });
      const admin = new pg.Client({ connectionString: process.env.STOFLOW_TEST_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query('drop database if exists stoflow');
      } finally {
        await admin.end();
      }
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)[0]).toMatchObject({ schema: 'public', applied: [] });
    });

    it('When the running embedded PostgreSQL does not answer, then the CLI says so clearly and exits 2', async () => {
      const pid = pretendRunning(1);
      const result = await stoflow(['tenants'], { DATABASE_URL: undefined, STOFLOW_DATA_DIR: dataDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`The embedded PostgreSQL in ${dataDir} is already running (pid ${pid}`);
    });
  });

  it('When tenants are listed, then each shows its schema, users, events and last event time', async () => {
    const tenants = await stoflowJson<{ tenant: number; schema: string; users: number; events: number; last_event_at: string }[]>(['tenants']);
    const mine = tenants.find((x) => x.tenant === seller.tenantId);
    // The product's two events and the reservation of its SKU.
    expect(mine).toMatchObject({ schema: `client_${seller.tenantId}`, users: 1, events: 3, status: 'active' });
    const log = await t.services.eventStore.readLog(seller.tenantId, 0n, 10);
    expect(mine!.last_event_at).toBe(log[log.length - 1]!.recordedAt.toISOString());

    const table = await stoflow(['tenants']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TENANT +NAME +SCHEMA +STATUS +USERS +EVENTS +LAST EVENT/);
    expect(table.stdout).toMatch(new RegExp(`\\n +${seller.tenantId} .*client_${seller.tenantId} +active +1 +3 `));
  });

  it("When a product's history is asked for, then its events come as a timeline with actor and changed fields", async () => {
    const [history, table, none] = await Promise.all([
      stoflowJson<HistoryJson>(['history', String(seller.tenantId), productId]),
      stoflow(['history', String(seller.tenantId), `product-${productId}`]),
      stoflow(['history', String(seller.tenantId), randomUUID()]),
    ]);
    expect(history.stream).toBe(`product-${productId}`);
    expect(history.events.map((e) => [e.version, e.type, e.actor, e.actor_email])).toEqual([
      [1, 'ProductCreated', seller.userId, seller.email],
      [2, 'ProductPriceChanged', seller.userId, seller.email],
    ]);
    expect(history.events[0]!.changes).toEqual(expect.arrayContaining([{ field: 'price_cents', to: 3990 }, { field: 'title', to: 'Veste en jean' }]));
    expect(history.events[1]!.changes).toEqual([{ field: 'price_cents', from: 3990, to: 2490 }]);

    expect(table.code).toBe(0);
    expect(table.stdout).toContain('VERSION  TIME');
    expect(table.stdout).toMatch(new RegExp(`\\n +2 +\\S+ +ProductPriceChanged +${seller.email.replace(/[.+]/g, '\\$&')} +price_cents 3990 → 2490`));

    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no events in stream product-');
  });

  it('When the state is asked for at an earlier moment, then it is the product as it was then: the earlier price', async () => {
    const tenant = String(seller.tenantId);
    const [now, byVersion, before, table, history] = await Promise.all([
      stoflowJson<StateJson>(['state', tenant, productId]),
      stoflowJson<StateJson>(['state', tenant, productId, '--at', '1']),
      stoflow(['state', tenant, productId, '--at', '0']),
      stoflow(['state', tenant, productId, '--at', '1']),
      stoflowJson<HistoryJson>(['history', tenant, productId]),
    ]);
    expect(now).toMatchObject({ version: 2, latest_version: 2, state: { id: productId, price_cents: 2490 } });
    expect(byVersion).toMatchObject({ version: 1, state: { price_cents: 3990, details: { title: 'Veste en jean' } } });

    // At the moment of the creation: the price change came later.
    const byTime = await stoflowJson<StateJson>(['state', tenant, productId, '--at', history.events[0]!.at]);
    expect(byTime).toMatchObject({ version: 1, state: { price_cents: 3990 } });
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('did not exist yet');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\nprice_cents +3990 \(39\.90\)\n/);
    expect(table.stdout).toContain('after version 1 of 2 (ProductCreated');
  });

  it('When the log is printed, then it is JSON lines in log order, filtered by --type, --from and --correlation', async () => {
    const tenant = String(seller.tenantId);
    const [all, typedRun] = await Promise.all([stoflow(['events', tenant]), stoflow(['events', tenant, '--type', 'ProductPriceChanged'])]);
    expect(all.code).toBe(0);
    const everything = parseLines(all.stdout);
    expect(everything.map((l) => [l.stream, l.type])).toEqual([
      [`product-${productId}`, 'ProductCreated'],
      [expect.stringMatching(/^sku-/), 'SkuReserved'],
      [`product-${productId}`, 'ProductPriceChanged'],
    ]);
    const lines = everything.filter((l) => l.stream === `product-${productId}`);
    expect(lines.map((l) => [l.version, l.type])).toEqual([
      [1, 'ProductCreated'],
      [2, 'ProductPriceChanged'],
    ]);
    expect(lines[1]).toMatchObject({ stream: `product-${productId}`, data: { price_cents: 2490 }, metadata: { actor: seller.userId } });
    expect(lines[1]!.position).toBeGreaterThan(lines[0]!.position);

    const typed = parseLines(typedRun.stdout);
    expect(typed.map((l) => l.type)).toEqual(['ProductPriceChanged']);
    const from = parseLines((await stoflow(['events', tenant, '--from', String(lines[1]!.position)])).stdout);
    expect(from.map((l) => l.position)).toEqual([lines[1]!.position]);

    // One request's events, by their correlation: the creation and its SKU, not the later edit.
    const correlation = (lines[0]!.metadata as { correlation_id?: string }).correlation_id;
    expect(correlation).toEqual(expect.any(String));
    expect((lines[1]!.metadata as { correlation_id?: string }).correlation_id).not.toBe(correlation);
    const correlated = parseLines((await stoflow(['events', tenant, '--correlation', correlation!])).stdout);
    expect(correlated.map((l) => l.type)).toEqual(['ProductCreated', 'SkuReserved']);
  });

  it('When following the log, then events appended later arrive live, and Ctrl-C ends with exit 0', async () => {
    const tenant = String(seller.tenantId);
    const follower = followStoflow(['events', tenant, '--follow', '--type', 'ProductStockAdjusted,ProductCreated']);
    try {
      const [created] = await follower.waitForLines(1);
      expect(JSON.parse(created!)).toMatchObject({ type: 'ProductCreated', stream: `product-${productId}` });
      const current = await request(t.app).get(`/api/products/${productId}`).set(seller.auth);
      const edit = await request(t.app).patch(`/api/products/${productId}`).set(seller.auth).set('If-Match', current.headers.etag!).send({ stock_quantity: 4 });
      expect(edit.status).toBe(200);
      const [, adjusted] = await follower.waitForLines(2);
      expect(JSON.parse(adjusted!)).toMatchObject({ type: 'ProductStockAdjusted', data: { stock_quantity: 4 } });
      expect(await follower.interrupt()).toBe(0);
      expect(follower.lines).toHaveLength(2);
    } finally {
      follower.child.kill('SIGKILL');
    }
  });
});

/*
 * The example consumer (examples/analytics-consumer) against the service in-process: it follows
 * the stream with a consumer key into a schema of its own in the test PostgreSQL, is killed with
 * SIGKILL while sales keep coming, restarts, loses its connection, and in the end its table is
 * exactly what the log says: nothing counted twice, nothing missed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import type { FeedItem } from '../../src/audit/event-feed';
import type { TestApp } from '../support/app';
import { databaseUrl } from '../support/db';
import { createProduct, registerSeller, startProductsApp, type Seller } from '../products/support';

const CONSUMER = join(__dirname, '..', '..', 'examples', 'analytics-consumer', 'consumer.mjs');

interface DailyRow {
  day: string;
  channel: string;
  sales: number;
  units: number;
  revenue_cents: number;
}

describe('The example analytics consumer', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let seller: Seller;
  let key: string;
  const schema = `consumer_e2e_${randomBytes(4).toString('hex')}`;
  const output: string[] = [];
  let child: ChildProcess | null = null;

  function startConsumer(): ChildProcess {
    const proc = spawn(process.execPath, [CONSUMER], {
      env: { PATH: process.env.PATH, STOFLOW_URL: base, STOFLOW_CONSUMER_KEY: key, DATABASE_URL: databaseUrl(), CONSUMER_SCHEMA: schema },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child = proc;
    return proc;
  }

  async function kill(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }

  async function checkpoint(): Promise<number> {
    const { rows } = await t.services.pool.query<{ position: string }>(`select position from "${schema}".checkpoint`).catch(() => ({ rows: [] as { position: string }[] }));
    return rows[0] ? Number(rows[0].position) : -1;
  }

  async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen; the consumer said:\n${output.join('').slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Every ProductSold of the tenant, as the feed gives them to the key. */
  async function salesInLog(): Promise<FeedItem[]> {
    const items: FeedItem[] = [];
    for (let after = 0; ; ) {
      const res = await request(t.app).get(`/api/events?type=ProductSold&limit=1000&after=${after}`).set('Authorization', `Bearer ${key}`).expect(200);
      if (res.body.items.length === 0) return items;
      items.push(...(res.body.items as FeedItem[]));
      after = res.body.next_after;
    }
  }

  const lastSale = async () => (await salesInLog()).at(-1)?.position ?? 0;

  let products: { id: string }[] = [];
  let sold = 0;
  async function sell(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const product = products[sold % products.length]!;
      const quantity = 1 + (sold % 2);
      await request(t.app).post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity, unit_price: 10 + (sold % 7) + 0.5 }).expect(201);
      sold++;
    }
  }

  beforeAll(async () => {
    t = await startProductsApp();
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    seller = await registerSeller(t.app);
    key = (await request(t.app).post('/api/consumer-keys').set(seller.auth).send({ name: 'analytics example' }).expect(201)).body.key;
    products = [];
    for (let i = 0; i < 3; i++) products.push(await createProduct(t.app, seller, { stock_quantity: 500 }));
  });

  afterAll(async () => {
    if (child) await kill(child);
    await t.services.pool.query(`drop schema if exists "${schema}" cascade`);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('When it is killed mid-way and restarted, and its connection drops, then its daily sales equal the log: none counted twice, none missed', async () => {
    await sell(4);
    const first = startConsumer();
    const before = await lastSale();
    await waitFor('catching up on the first sales', async () => (await checkpoint()) === before);

    // Sales keep coming while it follows live; killed without warning part-way through them.
    const selling = sell(12);
    await waitFor('following live', async () => (await checkpoint()) > before);
    await kill(first);
    await selling;
    const atKill = await checkpoint();
    await sell(3);
    expect(atKill).toBeLessThan(await lastSale());

    // Restarted: it resumes after its own checkpoint.
    startConsumer();
    let target = await lastSale();
    await waitFor('catching up after the restart', async () => (await checkpoint()) === target);

    // The connection drops (a proxy, a deploy): it reconnects with Last-Event-ID by itself.
    server.closeAllConnections();
    await sell(3);
    target = await lastSale();
    await waitFor('resuming after the dropped connection', async () => (await checkpoint()) === target, 30_000);

    const log = await salesInLog();
    expect(log).toHaveLength(sold);
    const expected = new Map<string, DailyRow>();
    for (const item of log) {
      const data = item.data as { sold_at: string; channel: string; quantity: number; unit_price_cents: number };
      const day = data.sold_at.slice(0, 10);
      const row = expected.get(`${day}|${data.channel}`) ?? { day, channel: data.channel, sales: 0, units: 0, revenue_cents: 0 };
      row.sales += 1;
      row.units += data.quantity;
      row.revenue_cents += data.quantity * data.unit_price_cents;
      expected.set(`${day}|${data.channel}`, row);
    }
    const { rows } = await t.services.pool.query<DailyRow>(
      `select to_char(day, 'YYYY-MM-DD') as day, channel, sales, units, revenue_cents::int as revenue_cents from "${schema}".daily_sales order by day, channel`,
    );
    expect(rows).toEqual([...expected.values()].sort((a, b) => `${a.day}|${a.channel}`.localeCompare(`${b.day}|${b.channel}`)));
    expect(output.join('')).toContain('reconnecting');
  }, 90_000);
});

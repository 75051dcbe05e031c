/*
 * The world the sync simulation runs in: the eBay and Etsy doubles, Stoflow as two workers on
 * one database (the first also serves the API: webhooks, the extensions' long-polls), sellers
 * connected to the three marketplaces, each with its simulated Vinted extension running, and a
 * way to wait until nothing is left to do.
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from '../../../src/app/container';
import { startEbayDouble, type EbayDouble } from '../../doubles/ebay';
import { newWebhookSecret } from '../../doubles/etsy/webhooks';
import { startEtsyDouble, type EtsyDouble } from '../../doubles/etsy/server';
import { shiftedClock } from '../../plugin/support';
import { startTestApp, type TestApp } from '../../support/app';
import { connectSeller, ebaySellers, etsySellers, type ConnectedSeller } from '../../support/marketplace-sellers';

export const PUBLIC_BASE_URL = 'https://sim.stoflow.test';
const TRANSITIONAL = ['queued', 'publishing', 'updating', 'delisting'];

export interface World {
  /** The worker that also serves the API. */
  s: Container;
  workers: TestApp[];
  baseUrl: string;
  ebay: EbayDouble;
  etsy: EtsyDouble;
  etsySecret: string;
  sellers: ConnectedSeller[];
  /** Stops one worker as a crash would leave it: its tenants are taken over by the others. */
  stopWorker(index: number): Promise<void>;
  /** Real time, moved ahead when all that is left is Vinted tasks waiting out their backoff or pause. */
  clock: ReturnType<typeof shiftedClock>;
  /** Resolves once every tenant's log has stopped growing and no work is pending or retrying. */
  settle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(sellerCount: number, workerCount: number): Promise<World> {
  const tag = randomBytes(3).toString('hex');
  const ebay = await startEbayDouble({ users: ebaySellers(sellerCount, `sim_${tag}`) });
  const etsyFirst = 60_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
  const etsy = await startEtsyDouble({ rateLimits: { perSecond: 100_000, perDay: 10_000_000 }, users: etsySellers(sellerCount, `sim${tag}`, etsyFirst) });
  const etsySecret = newWebhookSecret();
  const tenants: number[] = [];
  const group = 900_000 + (process.pid % 50_000);
  const env = {
    EBAY_CLIENT_ID: ebay.app.clientId,
    EBAY_CLIENT_SECRET: ebay.app.clientSecret,
    EBAY_RU_NAME: ebay.app.ruName,
    EBAY_API_BASE_URL: ebay.baseUrl,
    EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
    EBAY_NOTIFICATION_VERIFICATION_TOKEN: 'sim-verification-token-0123456789abcdef',
    EBAY_NOTIFICATION_ALERT_EMAIL: 'alerts@sim.stoflow.test',
    ETSY_API_KEY: etsy.app.keystring,
    ETSY_SHARED_SECRET: etsy.app.sharedSecret,
    ETSY_REDIRECT_URI: `${PUBLIC_BASE_URL}/api/integrations/etsy/callback`,
    ETSY_API_BASE_URL: etsy.baseUrl,
    ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
    ETSY_WEBHOOK_SECRET: etsySecret,
    ETSY_CALLS_PER_SECOND: '10000',
    VINTED_WRITES_PER_HOUR: '1000',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    PUBLIC_BASE_URL,
    // A hung call gives up in two seconds, so injected timeouts are retried within the run (and a
    // machine busy with the whole simulation seldom makes a slow answer look like one).
    MARKETPLACE_TIMEOUT_MS: '2000',
    // The simulation polls and compares when its script says so.
    SYNC_COMPARE_MINUTES: '0',
    DATABASE_POOL_MAX: '8',
  };
  // Every worker serves the same tenants: they share them through the leases, as separate processes would.
  const clock = shiftedClock();
  const workers: TestApp[] = [];
  for (let n = 0; n < workerCount; n++) workers.push(await startTestApp({ ...env, VINTED_MIN_GAP_SECONDS: '0', VINTED_MAX_GAP_SECONDS: '0' }, { clock, processing: { group, listTenants: async () => [...tenants] } }));
  const s = workers[0]!.services;
  const server: Server = workers[0]!.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ebay.routeEndpoint(PUBLIC_BASE_URL, baseUrl);

  const sellers: ConnectedSeller[] = [];
  const stopped = new Set<number>();
  const close = async () => {
    for (const seller of sellers) seller.extension.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const [n, w] of workers.entries()) if (!stopped.has(n)) await w.close();
    await ebay.close();
    await etsy.stop();
  };
  try {
    for (let n = 0; n < sellerCount; n++) {
      const seller = await connectSeller(s, baseUrl, { ebay, etsy }, { email: `sim-${tag}-${n}@sim.example.test`, ebayUser: `sim_${tag}_${n}`, etsyUser: etsyFirst + n });
      sellers.push(seller);
      tenants.push(seller.tenant);
    }
    for (const w of workers) await w.services.startProcessing();
  } catch (err) {
    await close();
    throw err;
  }

  async function pending(tenant: number): Promise<{ head: bigint; open: number }> {
    const t = (name: string) => s.tenancy.table(tenant, name);
    const { rows } = await s.pool.query<{ n: number }>(
      `select (select count(*) from ${t('listings')} where status = any($1::text[]))
            + (select count(*) from ${t('reaction_failures')} where status = 'retrying')
            + (select count(*) from ${t('vinted_tasks')} where state in ('queued', 'leased')) as n`,
      [TRANSITIONAL],
    );
    return { head: await s.eventStore.head(tenant), open: Number(rows[0]!.n) };
  }

  /** What keeps a tenant busy, for the message of a run that does not settle. */
  async function describeOpen(tenant: number): Promise<string> {
    const t = (name: string) => s.tenancy.table(tenant, name);
    const listings = await s.pool.query<{ id: string; marketplace: string; status: string }>(`select id, marketplace, status from ${t('listings')} where status = any($1::text[]) limit 5`, [TRANSITIONAL]);
    const stuck = await Promise.all(
      listings.rows.map(async (l) => {
        const log = await s.eventStore.readStream(tenant, `listing-${l.id}`);
        const seen = await s.pool.query(`select kind, data from ${t('vinted_observations')} where vinted_item_id = (select external->>'item_id' from ${t('listings')} where id = $1)`, [l.id]).catch((e: Error) => ({ rows: [e.message] }));
        return `${l.marketplace} ${l.status}: ${log.map((e) => `${e.type}${e.type.includes('Failed') || e.type.includes('Ended') ? JSON.stringify(e.data).slice(0, 120) : ''}`).join(' → ')}; observed ${JSON.stringify(seen.rows)}`;
      }),
    );
    const dead = await s.pool.query<{ reactor: string; last_error: string }>(`select reactor, last_error from ${t('reaction_failures')} where status = 'dead' limit 3`);
    const lastTasks = await s.pool.query(`select kind, state, attempts, result from ${t('vinted_tasks')} where listing_id = any($1::uuid[]) order by created_at desc limit 3`, [listings.rows.map((l) => l.id)]);
    const failures = await s.pool.query<{ reactor: string; last_error: string; attempts: number }>(`select reactor, last_error, attempts from ${t('reaction_failures')} where status = 'retrying' limit 5`);
    const tasks = await s.pool.query<{ kind: string; state: string; n: number }>(`select kind, state, count(*)::int as n from ${t('vinted_tasks')} where state in ('queued', 'leased') group by 1, 2`);
    const pace = await s.pool.query(`select paused_until, next_write_at, pause_reason from ${t('vinted_pace')}`);
    return `tenant ${tenant}: listings ${JSON.stringify(stuck)}, their Vinted tasks ${JSON.stringify(lastTasks.rows)}, dead ${JSON.stringify(dead.rows)}, retrying ${JSON.stringify(failures.rows)}, Vinted tasks ${JSON.stringify(tasks.rows)}, pace ${JSON.stringify(pace.rows)} (clock ${clock.now().toISOString()})`;
  }

  /** When the first Vinted task that is waiting (a retry's backoff, the account's pause or pace) may go. */
  async function firstWaitingTask(): Promise<number | null> {
    let first: number | null = null;
    for (const tenant of tenants) {
      const { rows } = await s.pool.query<{ at: Date | null }>(
        `select greatest((select min(not_before) from ${s.tenancy.table(tenant, 'vinted_tasks')} where state = 'queued'), p.paused_until, p.next_write_at) as at
           from ${s.tenancy.table(tenant, 'vinted_pace')} p
          where exists (select 1 from ${s.tenancy.table(tenant, 'vinted_tasks')} where state = 'queued')`,
      );
      const at = rows[0]?.at?.getTime() ?? null;
      if (at !== null && (first === null || at < first)) first = at;
    }
    return first;
  }

  return {
    s,
    workers,
    clock,
    baseUrl,
    ebay,
    etsy,
    etsySecret,
    sellers,
    async stopWorker(index) {
      stopped.add(index);
      await workers[index]!.close();
    },
    async settle(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      let quietSince = 0;
      for (;;) {
        const states = await Promise.all(tenants.map(pending));
        const now = states.map((p) => `${p.head}/${p.open}`).join(',');
        if (now === last) {
          if (quietSince === 0) quietSince = Date.now();
          if (Date.now() - quietSince >= 1500) {
            if (states.every((p) => p.open === 0)) return;
            // Stuck only on time: a Vinted task waiting out a backoff or the account's pause.
            const waiting = await firstWaitingTask();
            if (waiting !== null && waiting > clock.now().getTime()) {
              // The marketplaces' clocks move with Stoflow's: an order is dated by the time they all share.
              const ms = waiting - clock.now().getTime() + 1000;
              clock.advance(ms);
              ebay.advanceTime(ms);
              etsy.advanceTime(Math.ceil(ms / 1000));
            }
            quietSince = 0;
          }
        } else quietSince = 0;
        last = now;
        if (Date.now() > deadline) throw new Error(`the simulation did not settle: ${(await Promise.all(tenants.map(describeOpen))).join('; ')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    close,
  };
}

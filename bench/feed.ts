/*
 * `npm run bench:feed`: what open live event streams cost a tenant's writes. One tenant, POST
 * /api/products driven by autocannon (50 connections, 10 s) with no stream open, then with 500
 * `GET /api/events/stream` connections following that tenant's log, and GET /health in the same
 * run as the ceiling of the HTTP stack. The server runs in a child process (bench/api.ts), the
 * streams and the load generator in this one. Prints a table, then one JSON object as the last
 * line. Not a test: the figures depend on the machine.
 *
 * BENCH_STREAMS, BENCH_CONNECTIONS and BENCH_SECONDS override the defaults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/infra/logger';
import { drive, productBody, startBenchService, type Figures } from './api';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 500);

interface Streams {
  opened: number;
  refused: number;
  /** Messages received, over every stream. */
  received(): number;
  close(): void;
}

/** Opens `count` SSE connections that read (and count) everything they are sent. */
async function openStreams(base: string, authorization: string, count: number, after: number): Promise<Streams> {
  const requests: ClientRequest[] = [];
  let received = 0;
  let opened = 0;
  let refused = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(`${base}/api/events/stream?after=${after}`, { agent: false, headers: { authorization, accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          refused++;
          res.resume();
          resolve();
          return;
        }
        opened++;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          // One `id:` line per message; a chunk boundary may split one now and then.
          for (let at = chunk.indexOf('id: '); at >= 0; at = chunk.indexOf('id: ', at + 4)) received++;
        });
        resolve();
      });
      req.on('error', () => resolve());
      requests.push(req);
      req.end();
    });
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, one));
  return { opened, refused, received: () => received, close: () => requests.forEach((r) => r.destroy()) };
}

async function main(): Promise<void> {
  const summary = await run();
  console.log(JSON.stringify(summary));
}

async function run(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-feed-'));
  const logger = createLogger({ level: 'error' });
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    const { base, authorization } = await startBenchService(dataDir, logger, cleanups, { email: 'feed@example.test', name: 'Feed' });

    let sku = 0;
    const create = {
      method: 'POST',
      path: '/api/products',
      headers: { authorization, 'content-type': 'application/json' },
      setupRequest: (req: { body?: string }) => ({ ...req, body: JSON.stringify(productBody(sku, `FEED-${sku++}`)) }),
    };
    const figures: Record<string, Figures> = {};
    figures.health = await drive(base, { method: 'GET', path: '/health' }, 'GET /health');
    figures.writes_0_streams = await drive(base, create, 'POST /api/products, no stream open');

    // The streams follow live, from the head: the cost measured is that of following, not catching up.
    let head = 0;
    for (;;) {
      const page = (await (await fetch(`${base}/api/events?after=${head}&limit=1000`, { headers: { authorization } })).json()) as { items: unknown[]; next_after: number };
      if (page.items.length === 0) break;
      head = page.next_after;
    }
    console.log(`opening ${STREAMS} event streams after position ${head}…`);
    const streams = await openStreams(base, authorization, STREAMS, head);
    cleanups.unshift(async () => streams.close());
    if (streams.refused > 0) console.log(`${streams.refused} streams were refused`);
    const before = sku;
    figures[`writes_${STREAMS}_streams`] = await drive(base, create, `POST /api/products, ${streams.opened} streams open`);
    // Each product is two events (the product and its SKU reservation).
    const expected = (sku - before) * 2 * streams.opened;
    await new Promise((r) => setTimeout(r, 2000));
    const delivered = expected > 0 ? streams.received() / expected : 0;
    streams.close();

    const health = figures.health.rps || 1;
    const width = 20;
    console.log(`\n${'scenario'.padEnd(width)}  ${'req/s'.padStart(8)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'non-2xx'.padStart(8)}  ${'errors'.padStart(7)}  ${'÷ health'.padStart(8)}`);
    for (const [name, f] of Object.entries(figures)) {
      console.log(
        `${name.padEnd(width)}  ${f.rps.toLocaleString('en-US').padStart(8)}  ${String(f.p50_ms).padStart(7)}  ${String(f.p99_ms).padStart(7)}  ${String(f.non_2xx).padStart(8)}  ${String(f.errors).padStart(7)}  ${(f.rps / health).toFixed(2).padStart(8)}`,
      );
    }
    console.log(`${streams.opened} streams open, ${(delivered * 100).toFixed(1)} % of the events written meanwhile delivered to them`);
    const summary: Record<string, number> = { streams_open: streams.opened, streams_refused: streams.refused };
    for (const [name, f] of Object.entries(figures)) {
      summary[`${name}_rps`] = f.rps;
      summary[`${name}_p99_ms`] = f.p99_ms;
      if (name !== 'health') summary[`${name}_to_health`] = Math.round((f.rps / health) * 100) / 100;
    }
    summary.streams_cost_ratio = Math.round((figures[`writes_${STREAMS}_streams`]!.rps / (figures.writes_0_streams!.rps || 1)) * 100) / 100;
    summary.delivered_ratio = Math.round(delivered * 1000) / 1000;
    return summary;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

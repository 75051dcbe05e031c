/*
 * `npm run bench`: the HTTP API on the embedded database. One tenant is seeded with 100,000
 * products through the command path, then autocannon drives each scenario (50 connections,
 * 10 s), with GET /health in the same run as the ceiling of the HTTP stack. The server runs in a
 * child process, so the load generator never shares its event loop. Prints a table, then one
 * JSON object as the last line. Not a test: the figures depend on the machine.
 *
 * Then a flood of correct logins (20 clients, a few accounts, each login from an address of its
 * own), with a few other clients reading GET /health and a product list during it: their p99
 * against the same reads without the flood, in the same run, shows whether sign-ins, bounded by
 * the password-hashing gate, still starve everything else.
 *
 * BENCH_PRODUCTS, BENCH_CONNECTIONS, BENCH_SECONDS, BENCH_POOL_MAX (the API's pool, 20) and
 * BENCH_POOL_GROUPS (its groups of tenant-affine connections, one per connection) override the
 * defaults. BENCH_ONLY=login runs GET /health (the ceiling) and the login flood only;
 * PASSWORD_HASH_CONCURRENCY and PASSWORD_HASH_QUEUE set the API's gate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Server } from 'node:http';
import { openDatabase, prepareSchema, type Database } from '../src/bootstrap';
import type { CreateProductInput as CreateProductBody } from '../src/shared/product-fields';
import { loadConfig, type Config } from '../src/config';
import { buildApp } from '../src/app/app';
import { createLogger, type Logger } from '../src/infra/logger';
import { buildContainer } from '../src/app/container';

// autocannon ships no types; this is the part used here.
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}
export interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = require('autocannon') as Autocannon;

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SEED_IN_FLIGHT = 32;
/** `login`: only the /health ceiling and the login flood, skipping the other scenarios. */
const ONLY = process.env.BENCH_ONLY;
const LOGIN_CLIENTS = 20;
const LOGIN_ACCOUNTS = 4;
/** Clients reading during the login flood, per read; few, as a shop's other users would be. */
const BYSTANDERS = 4;

const LEAVES = ['women-t-shirts', 'women-blouses', 'women-jumpers', 'women-cardigans', 't-shirts', 'jeans', 'sneakers', 'shirts'];
const BRANDS = ['Nike', 'adidas', 'Puma', 'Levi\'s', 'Zara', 'Patagonia', 'The North Face', 'Converse'];
const COLORS = ['black', 'white', 'grey', 'blue', 'navy', 'red', 'green', 'beige'];
const SIZES = ['xs', 's', 'm', 'l', 'xl'];
const CONDITIONS = ['new_with_tags', 'like_new', 'very_good', 'good'];
const WORDS = ['vintage', 'cotton', 'wool', 'denim', 'linen', 'oversized', 'slim', 'classic', 'retro', 'summer', 'winter', 'striped'];

export function config(dataDir: string, databaseUrl?: string): Config {
  return loadConfig({
    ENVIRONMENT: 'development',
    LOG_LEVEL: 'error',
    STOFLOW_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: process.env.BENCH_POOL_MAX ?? '20',
    DATABASE_POOL_GROUPS: process.env.BENCH_POOL_GROUPS,
    JWT_SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    PASSWORD_PEPPER: 'bench-pepper',
    // Unset: the API's defaults; set, to compare settings of the password-hashing gate.
    PASSWORD_HASH_CONCURRENCY: process.env.PASSWORD_HASH_CONCURRENCY,
    PASSWORD_HASH_QUEUE: process.env.PASSWORD_HASH_QUEUE,
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    RATE_LIMIT_REGISTER_PER_IP_HOUR: '10000',
    RUN_WORKERS: 'false',
    // The login flood sends each attempt from an address of its own (X-Forwarded-For), as many
    // clients would: from one address, the per-address limit answers 429 before any bcrypt work.
    TRUST_PROXY_HOPS: '1',
    // bench/feed.ts opens hundreds of live streams on one tenant, as one user.
    EVENT_STREAMS_PER_TENANT: '1000',
    EVENT_STREAMS_PER_CONSUMER: '1000',
  });
}

export function productBody(n: number, sku: string): CreateProductBody {
  const pick = <T>(list: readonly T[], salt: number): T => list[(n * 7 + salt) % list.length]!;
  return {
    sku,
    title: `${pick(WORDS, 1)} ${pick(WORDS, 5)} ${pick(BRANDS, 2)} item ${n}`,
    description: `A ${pick(WORDS, 3)} piece in ${pick(COLORS, 4)}, ${pick(WORDS, 9)} fit.`,
    price: 5 + (n % 9_000) / 100 + (n % 97),
    cost_price: 2 + (n % 500) / 100,
    stock_quantity: 1 + (n % 3),
    category: pick(LEAVES, 0),
    brand: pick(BRANDS, 2),
    size: pick(SIZES, 6),
    color: pick(COLORS, 4),
    gender: n % 2 === 0 ? 'women' : 'men',
    condition: pick(CONDITIONS, 8),
  };
}

/** Child process: the API server alone, printing its port. */
async function serve(): Promise<void> {
  const cfg = config(process.env.BENCH_DATA_DIR!, process.env.BENCH_DATABASE_URL!);
  const logger = createLogger({ level: 'error' });
  const services = buildContainer(cfg, logger, { url: process.env.BENCH_DATABASE_URL!, ownerUrl: process.env.BENCH_OWNER_URL });
  const app = buildApp(services);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  process.stdout.write(`bench-api-port ${typeof address === 'object' && address ? address.port : 0}\n`);
  process.on('SIGTERM', () => {
    server.close();
    void services.close().then(() => process.exit(0));
  });
}

export async function startServer(dataDir: string, databaseUrl: string, ownerUrl: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [__filename, 'serve'], {
    env: { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_DATABASE_URL: databaseUrl, BENCH_OWNER_URL: ownerUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    // The server's own warnings share stdout: wait for the line that names the port.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^bench-api-port (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the API server exited with ${code}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

export interface BenchService {
  database: Database;
  base: string;
  account: { access_token: string; tenant_id: number; user_id: string };
  authorization: string;
}

/**
 * What every API benchmark starts from: an embedded PostgreSQL in `dataDir`, migrated, the API
 * server in a child process and one registered seller. Each stop goes onto `cleanups`, first
 * to run first.
 */
export async function startBenchService(dataDir: string, logger: Logger, cleanups: (() => Promise<unknown>)[], seller: { email: string; name: string }): Promise<BenchService> {
  const bootConfig = config(dataDir);
  const database = await openDatabase(bootConfig, logger);
  cleanups.unshift(() => database.stop());
  await prepareSchema(bootConfig, database, logger);
  const { child, base } = await startServer(dataDir, database.url, database.ownerUrl);
  cleanups.unshift(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  const registered = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: seller.email, password: 'Velvet-Jacket-1987', full_name: `${seller.name} Seller`, account_type: 'business', business_name: `${seller.name} shop` }),
  });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${await registered.text()}`);
  const account = (await registered.json()) as BenchService['account'];
  await planSetByOperator(database, account.tenant_id, 'business');
  return { database, base, account, authorization: `Bearer ${account.access_token}` };
}

/**
 * The benchmarks write far past the free plan's caps: their seller is put on a plan the way an
 * operator does it, with `stoflow plan set` (the built CLI, on the benchmark's database).
 */
export async function planSetByOperator(database: Database, tenant: number, plan: string): Promise<void> {
  const cli = join(__dirname, '..', 'src', 'cli', 'main.js');
  const child = spawn(process.execPath, [cli, 'plan', 'set', String(tenant), plan, '--operator', 'bench', '--reason', 'benchmark'], {
    env: { ...process.env, DATABASE_URL: database.url, DATABASE_OWNER_URL: database.ownerUrl, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`stoflow plan set ${tenant} ${plan} exited ${code}: ${stderr}`);
}

export interface Figures {
  rps: number;
  p99_ms: number;
  p50_ms: number;
  non_2xx: number;
  errors: number;
}

export async function drive(base: string, request: AutocannonRequest & { path: string }, label: string, seconds = SECONDS): Promise<Figures> {
  console.log(`running ${label} (${CONNECTIONS} connections, ${seconds} s)…`);
  const result = await autocannon({ url: base, connections: CONNECTIONS, duration: seconds, requests: [request] });
  return {
    rps: Math.round(result.requests.average),
    p99_ms: result.latency.p99,
    p50_ms: result.latency.p50,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

interface LoginFlood {
  logins_per_s: number;
  p99_ms: number;
  answers: number;
  refused_429: number;
  refused_503: number;
  /** Sign-ins by the clients that wait out Retry-After, and how long each took, retries included. */
  patient_signins: number;
  patient_attempts: number;
  /** Of those clients, how many were still trying to sign in when the flood ended. */
  patient_waiting: number;
  patient_signin_median_ms: number;
  patient_signin_max_ms: number;
  health_quiet_p99_ms: number;
  health_flood_p99_ms: number;
  list_quiet_p99_ms: number;
  list_flood_p99_ms: number;
}

/**
 * A user signing in the way a client should, during the flood: on 503 or 429 it waits the
 * Retry-After it was given and tries again. `took`: how long each sign-in took in all;
 * `attempts`: the requests it sent; `waiting`: whether it was still trying at the end.
 */
async function patientSignIns(base: string, account: { email: string; password: string }, address: string, until: number): Promise<{ took: number[]; attempts: number; waiting: boolean }> {
  const took: number[] = [];
  let attempts = 0;
  while (Date.now() < until) {
    const started = Date.now();
    for (;;) {
      attempts++;
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify(account),
      });
      await res.arrayBuffer();
      if (res.status === 200) {
        took.push(Date.now() - started);
        break;
      }
      if (res.status !== 503 && res.status !== 429) throw new Error(`login answered ${res.status}`);
      const wait = Number(res.headers.get('retry-after') ?? 1) * 1000;
      if (Date.now() + wait >= until) return { took, attempts, waiting: true };
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  return { took, attempts, waiting: false };
}

/**
 * LOGIN_CLIENTS clients signing in correctly, round the accounts, each attempt from a new
 * address (so the per-address attempt limit, 10 a minute, never answers first: what is measured
 * is the hashing gate); and BYSTANDERS clients each on GET /health and on a product list, first
 * alone, then during the flood.
 */
async function loginFlood(base: string, listPath: string, authorization: string): Promise<LoginFlood> {
  const accounts: { email: string; password: string }[] = [];
  for (let i = 0; i < LOGIN_ACCOUNTS; i++) {
    const account = { email: `login-${i}@example.test`, password: 'Velvet-Jacket-1987' };
    const res = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...account, full_name: `Login ${i}`, account_type: 'individual' }),
    });
    if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
    accounts.push(account);
  }
  const bystanders = () =>
    Promise.all([
      autocannon({ url: base, connections: BYSTANDERS, duration: SECONDS, requests: [{ method: 'GET', path: '/health' }] }),
      autocannon({ url: base, connections: BYSTANDERS, duration: SECONDS, requests: [{ method: 'GET', path: listPath, headers: { authorization } }] }),
    ]);
  console.log(`running GET /health and GET ${listPath} (${BYSTANDERS} connections each, ${SECONDS} s), no login flood…`);
  const [quietHealth, quietList] = await bystanders();
  let attempt = 0;
  console.log(`running POST /api/auth/login (${LOGIN_CLIENTS} connections, ${LOGIN_ACCOUNTS} accounts, ${SECONDS} s) with the same reads…`);
  const during = bystanders();
  // A few users signing in the way a client should, each from an address of its own.
  const until = Date.now() + SECONDS * 1000;
  const patient = Promise.all(Array.from({ length: BYSTANDERS }, (_, i) => patientSignIns(base, accounts[i % accounts.length]!, `192.168.0.${i + 1}`, until)));
  const [flood, [floodHealth, floodList]] = await Promise.all([
    autocannon({
      url: base,
      connections: LOGIN_CLIENTS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/api/auth/login',
          setupRequest: (req: AutocannonRequest) => {
            const n = attempt++;
            return {
              ...req,
              headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
              body: JSON.stringify(accounts[n % accounts.length]),
            };
          },
        },
      ],
    }),
    during,
  ]);
  const patients = await patient;
  const signIns = patients.flatMap((p) => p.took).sort((a, b) => a - b);
  const count = (status: number) => flood.statusCodeStats?.[String(status)]?.count ?? 0;
  const answers = Object.values(flood.statusCodeStats ?? {}).reduce((sum, s) => sum + s.count, 0);
  return {
    logins_per_s: Math.round((count(200) / SECONDS) * 10) / 10,
    p99_ms: flood.latency.p99,
    answers,
    refused_429: count(429),
    refused_503: count(503),
    patient_signins: signIns.length,
    patient_attempts: patients.reduce((sum, p) => sum + p.attempts, 0),
    patient_waiting: patients.filter((p) => p.waiting).length,
    patient_signin_median_ms: signIns[Math.floor(signIns.length / 2)] ?? 0,
    patient_signin_max_ms: signIns[signIns.length - 1] ?? 0,
    health_quiet_p99_ms: quietHealth.latency.p99,
    health_flood_p99_ms: floodHealth.latency.p99,
    list_quiet_p99_ms: quietList.latency.p99,
    list_flood_p99_ms: floodList.latency.p99,
  };
}

const ratio = (a: number, b: number) => Math.round((a / (b || 1)) * 100) / 100;

async function main(): Promise<void> {
  const summary = await run();
  // Last, after every process has stopped, so nothing prints below it.
  console.log(JSON.stringify(summary));
}

async function run(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stoflow-bench-api-'));
  const logger = createLogger({ level: 'error' });
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    const { database, base, account, authorization } = await startBenchService(dataDir, logger, cleanups, { email: 'bench@example.test', name: 'Bench' });

    // Seeding goes through the same command handler as POST /api/products, from this process.
    const services = buildContainer(config(dataDir, database.url), logger, database);
    cleanups.unshift(() => services.close());
    const auth = { userId: account.user_id, tenantId: account.tenant_id, role: 'admin', tokenId: 'bench' };
    const ids: string[] = [];
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_IN_FLIGHT }, async () => {
        for (let n = next++; n < PRODUCTS; n = next++) {
          const { product } = await services.commands.createProduct(auth.tenantId, productBody(n, `SEED-${n}`), { event: { actor: auth.userId, request_id: `seed-${n}` } });
          if (n % 100 === 0) ids.push(product.id);
          if ((n + 1) % 10_000 === 0) console.log(`seeded ${n + 1} products (${Math.round((n + 1) / ((Date.now() - started) / 1000))}/s)`);
        }
      }),
    );
    const seedSeconds = (Date.now() - started) / 1000;
    console.log(`seeded ${PRODUCTS} products in ${seedSeconds.toFixed(1)} s`);

    const headers = { authorization, 'content-type': 'application/json' };
    let sku = 0;
    let detail = 0;
    const figures: Record<string, Figures> = {};
    figures.health = await drive(base, { method: 'GET', path: '/health' }, 'GET /health');
    if (ONLY !== 'login') {
      figures.create = await drive(
        base,
        {
          method: 'POST',
          path: '/api/products',
          headers,
          setupRequest: (req) => ({ ...req, body: JSON.stringify(productBody(sku, `BENCH-${sku++}`)) }),
        },
        'POST /api/products',
      );
      figures.list = await drive(base, { method: 'GET', path: '/api/products?status=draft&limit=50', headers }, 'GET /api/products?status=draft&limit=50');
      figures.detail = await drive(
        base,
        { method: 'GET', path: `/api/products/${ids[0]}`, headers, setupRequest: (req) => ({ ...req, path: `/api/products/${ids[detail++ % ids.length]}` }) },
        'GET /api/products/{id}',
      );
    }

    const flood = await loginFlood(base, '/api/products?status=draft&limit=50', authorization);

    const health = figures.health.rps || 1;
    const width = 8;
    console.log(`\n${'scenario'.padEnd(width)}  ${'req/s'.padStart(8)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'non-2xx'.padStart(8)}  ${'errors'.padStart(7)}  ${'÷ health'.padStart(8)}`);
    for (const [name, f] of Object.entries(figures)) {
      console.log(
        `${name.padEnd(width)}  ${f.rps.toLocaleString('en-US').padStart(8)}  ${String(f.p50_ms).padStart(7)}  ${String(f.p99_ms).padStart(7)}  ${String(f.non_2xx).padStart(8)}  ${String(f.errors).padStart(7)}  ${(f.rps / health).toFixed(2).padStart(8)}`,
      );
    }
    const refusedShare = ratio(flood.refused_429 + flood.refused_503, flood.answers);
    console.log(
      `\nlogin flood (${LOGIN_CLIENTS} clients): ${flood.logins_per_s} logins/s, p99 ${flood.p99_ms} ms, ` +
        `${flood.answers} answers, 429: ${flood.refused_429}, 503: ${flood.refused_503} (refused share ${refusedShare})`,
    );
    console.log(
      `${BYSTANDERS} clients signing in that wait out Retry-After: ${flood.patient_signins} sign-ins in ${flood.patient_attempts} attempts, ` +
        `median ${flood.patient_signin_median_ms} ms, longest ${flood.patient_signin_max_ms} ms, retries included; ${flood.patient_waiting} still waiting at the end`,
    );
    console.log(`${'read, p99 ms'.padEnd(14)}  ${'alone'.padStart(7)}  ${'flood'.padStart(7)}  ${'ratio'.padStart(6)}`);
    for (const [name, quiet, busy] of [
      ['/health', flood.health_quiet_p99_ms, flood.health_flood_p99_ms],
      ['products list', flood.list_quiet_p99_ms, flood.list_flood_p99_ms],
    ] as const) {
      console.log(`${name.padEnd(14)}  ${String(quiet).padStart(7)}  ${String(busy).padStart(7)}  ${ratio(busy, quiet).toFixed(2).padStart(6)}`);
    }
    const summary: Record<string, number> = { products_seeded: PRODUCTS, seed_per_s: Math.round(PRODUCTS / seedSeconds) };
    for (const [name, f] of Object.entries(figures)) {
      summary[`${name}_rps`] = f.rps;
      summary[`${name}_p99_ms`] = f.p99_ms;
      if (name !== 'health') summary[`${name}_to_health`] = Math.round((f.rps / health) * 100) / 100;
    }
    summary.login_flood_logins_per_s = flood.logins_per_s;
    summary.login_flood_p99_ms = flood.p99_ms;
    summary.login_flood_refused_share = refusedShare;
    summary.login_flood_429 = flood.refused_429;
    summary.login_flood_503 = flood.refused_503;
    summary.login_flood_patient_signins = flood.patient_signins;
    summary.login_flood_patient_attempts = flood.patient_attempts;
    summary.login_flood_patient_waiting = flood.patient_waiting;
    summary.login_flood_patient_signin_median_ms = flood.patient_signin_median_ms;
    summary.login_flood_patient_signin_max_ms = flood.patient_signin_max_ms;
    summary.login_flood_health_quiet_p99_ms = flood.health_quiet_p99_ms;
    summary.login_flood_health_p99_ms = flood.health_flood_p99_ms;
    summary.login_flood_health_p99_ratio = ratio(flood.health_flood_p99_ms, flood.health_quiet_p99_ms);
    summary.login_flood_list_quiet_p99_ms = flood.list_quiet_p99_ms;
    summary.login_flood_list_p99_ms = flood.list_flood_p99_ms;
    summary.login_flood_list_p99_ratio = ratio(flood.list_flood_p99_ms, flood.list_quiet_p99_ms);
    return summary;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

if (require.main === module) {
  (process.argv[2] === 'serve' ? serve() : main()).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { z } from 'zod';
import { createApp } from '../../src/http/app';
import { defineRoute } from '../../src/http/route';
import { createLogger } from '../../src/infra/logger';
import { requestIdMixin } from '../../src/infra/request-context';
import pino from 'pino';
import { ConflictError } from '../../src/shared/errors';
import { startTestApp, type TestApp } from '../support/app';

const logger = createLogger({ level: 'silent' });

// A tiny app on the real shell, with routes that exercise each path of the error mapping.
function shellApp() {
  const echo = defineRoute({
    method: 'post',
    path: '/api/echo',
    summary: 'Echo',
    tags: ['test'],
    auth: false,
    body: z.object({ name: z.string().min(1), count: z.number().int().min(0) }).strict(),
    responses: { 200: { description: 'echo' } },
    handle: async ({ body }) => ({ status: 200, body }),
  });
  const boom = defineRoute({
    method: 'get',
    path: '/api/boom',
    summary: 'Fails',
    tags: ['test'],
    auth: false,
    responses: { 200: { description: 'never' } },
    handle: async () => {
      throw new Error('secret database password is hunter2');
    },
  });
  const conflict = defineRoute({
    method: 'get',
    path: '/api/conflict',
    summary: 'Conflicts',
    tags: ['test'],
    auth: false,
    responses: { 200: { description: 'never' } },
    handle: async () => {
      throw new ConflictError('SKU already used', 'duplicate_sku');
    },
  });
  return createApp({
    logger,
    corsOrigins: ['https://app.stoflow.example'],
    trustProxyHops: 0,
    routes: [echo, boom, conflict],
    authenticate: async () => {
      throw new Error('not used');
    },
    health: async () => ({ status: 'ok', checks: { database: { status: 'ok' } } }),
  });
}

describe('HTTP shell', () => {
  const app = shellApp();

  it('When any response is sent, then security headers are set, X-Powered-By is not, and a request id is echoed', async () => {
    const res = await request(app).get('/health').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('When the client sends no request id, then one is generated for it', async () => {
    const res = await request(app).get('/health');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('When an allowed origin calls, then CORS headers allow it; when another origin calls, then there are none', async () => {
    const allowed = await request(app).options('/api/echo').set('Origin', 'https://app.stoflow.example').set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.stoflow.example');
    const other = await request(app).options('/api/echo').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('When a route is unknown, then the answer is a 404 problem', async () => {
    const res = await request(app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/api/nothing-here' });
  });

  it('When the body is valid, then the route answers', async () => {
    const res = await request(app).post('/api/echo').send({ name: 'a', count: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'a', count: 2 });
  });

  it('When fields are wrong or unknown, then a 400 problem names each of them', async () => {
    const res = await request(app).post('/api/echo').send({ name: '', count: -1, tenant_id: 9 });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['count', 'name', 'tenant_id']);
  });

  it('When the JSON is malformed, then the answer is a 400 problem', async () => {
    const res = await request(app).post('/api/echo').set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_json');
  });

  it('When the body is not JSON, then the answer is 415', async () => {
    const res = await request(app).post('/api/echo').set('Content-Type', 'text/plain').send('name=a');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('When the body is larger than 1 MB, then the answer is 413', async () => {
    const res = await request(app).post('/api/echo').set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), count: 1 }));
    expect(res.status).toBe(413);
    expect(res.body.status).toBe(413);
  });

  it('When a route fails unexpectedly, then a generic 500 leaks nothing', async () => {
    const res = await request(app).get('/api/boom');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body).toMatchObject({ status: 500, title: 'Internal Server Error', code: 'internal_error' });
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('When a route raises a conflict, then the problem carries its code and 409', async () => {
    const res = await request(app).get('/api/conflict');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ status: 409, code: 'duplicate_sku', detail: 'SKU already used' });
  });
});

describe('Log lines inside a request', () => {
  it('When a route logs while serving, then the line carries the request id the response has', async () => {
    const lines: Record<string, unknown>[] = [];
    const captured = pino({ level: 'info', mixin: requestIdMixin }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const noisy = defineRoute({
      method: 'get',
      path: '/api/noisy',
      summary: 'Logs',
      tags: ['test'],
      auth: false,
      responses: { 200: { description: 'ok' } },
      handle: async () => {
        await new Promise((r) => setTimeout(r, 5)); // across an await, as real handlers are
        captured.warn('marketplace answered slowly');
        return { status: 200, body: {} };
      },
    });
    const app = createApp({
      logger: captured,
      corsOrigins: [],
      trustProxyHops: 0,
      routes: [noisy],
      authenticate: async () => {
        throw new Error('not used');
      },
      health: async () => ({ status: 'ok', checks: {} }),
    });
    const res = await request(app).get('/api/noisy');
    const line = lines.find((l) => l.msg === 'marketplace answered slowly');
    expect(line).toBeDefined();
    expect(line!.request_id).toBe(res.headers['x-request-id']);
    captured.warn('outside any request');
    expect(lines.find((l) => l.msg === 'outside any request')!.request_id).toBeUndefined();
  });
});

describe('Documentation and health on the real service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    if (t.services.redis && t.services.redis.status !== 'ready') await once(t.services.redis, 'ready');
  });
  afterAll(async () => t.close());

  it('When the OpenAPI document is fetched, then it is OpenAPI 3.1 with bearer auth, and the extension’s device token, declared', async () => {
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(res.body.components.securitySchemes.deviceAuth).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
  });

  it('When the document is checked against the OpenAPI 3.1 schema, then it is valid', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body as Record<string, unknown>;
    // validate() mutates what it is given (dereferencing): hand it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('When the document lists the API, then every operation has a unique id, a summary, a problem answer, and only public routes drop bearer auth', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId: string; summary: string; security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, ...op })));
    expect(operations.length).toBeGreaterThan(20);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    for (const op of operations) {
      expect(op.summary.length).toBeGreaterThan(0);
      expect(op.responses.default).toBeDefined();
    }
    const open = operations.filter((o) => Array.isArray(o.security) && o.security.length === 0).map((o) => `${o.method} ${o.path}`).sort();
    // The category tree and the marketplace mappings are shared reference data, readable before
    // signing in; a marketplace's consent callback is authenticated by its single-use state, and
    // eBay's, Etsy's and the billing provider's notifications by their signatures (the GET is
    // eBay's endpoint challenge). The event feed's JSON Schema is a public contract.
    expect(open).toEqual([
      'get /api/categories',
      'get /api/events/schema',
      'get /api/integrations/{marketplace}/callback',
      'get /api/mappings',
      'get /api/webhooks/ebay',
      'post /api/auth/login',
      'post /api/auth/refresh',
      'post /api/auth/register',
      'post /api/webhooks/billing',
      'post /api/webhooks/ebay',
      'post /api/webhooks/etsy',
    ]);
    // The browser extension's routes take its device token instead of a bearer token.
    const byDevice = operations.filter((o) => JSON.stringify(o.security) === JSON.stringify([{ deviceAuth: [] }])).map((o) => `${o.method} ${o.path}`).sort();
    expect(byDevice).toEqual(['get /api/plugin/tasks', 'post /api/plugin/observations', 'post /api/plugin/session', 'post /api/plugin/tasks/{id}/result']);
    // The event feed takes a consumer key or a user's access token.
    const byKey = operations.filter((o) => JSON.stringify(o.security) === JSON.stringify([{ consumerKeyAuth: [] }, { bearerAuth: [] }])).map((o) => `${o.method} ${o.path}`).sort();
    expect(byKey).toEqual(['get /api/events', 'get /api/events/stream']);
    const others = operations.filter((o) => o.security !== undefined).length;
    expect(others).toBe(open.length + byDevice.length + byKey.length);
  });

  it('When /docs and /redoc are opened, then the pages and their scripts come from this server', async () => {
    const docs = await request(t.app).get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(docs.text).not.toMatch(/https?:\/\//);
    const bundle = await request(t.app).get('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    const redoc = await request(t.app).get('/redoc');
    expect(redoc.text).toContain('/redoc/redoc.standalone.js');
    const redocJs = await request(t.app).get('/redoc/redoc.standalone.js');
    expect(redocJs.status).toBe(200);
    expect(redocJs.text.length).toBeGreaterThan(100_000);
  });

  it('When / is opened, then it names the service and its version and lists links that all answer 200', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(res.body).toMatchObject({ name: pkg.name, version: pkg.version });
    const links = Object.values(res.body.links as Record<string, { href: string }>).map((l) => l.href);
    expect(links.sort()).toEqual(['/docs', '/health', '/openapi.json', '/redoc']);
    for (const href of links) expect([href, (await request(t.app).get(href)).status]).toEqual([href, 200]);
    expect((await request(t.app).get('/openapi.json')).body.info.version).toBe(pkg.version);
  });

  it('When the database and Redis are up, then health is 200 with both checks ok', async () => {
    const res = await request(t.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body.checks.database.status).toBe('ok');
    expect(res.body.checks.redis.status).toBe('ok');
  });
});

describe('Health when the database is down', () => {
  it('When PostgreSQL cannot be reached, then health answers 503 naming the database', async () => {
    const t = await startTestApp({ DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nowhere' });
    try {
      const res = await request(t.app).get('/health');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('down');
      expect(res.body.checks.database.status).toBe('down');
    } finally {
      await t.close();
    }
  });
});

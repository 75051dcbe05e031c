import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import { databaseUrl } from '../support/db';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { productBody, registerSeller, type Seller } from '../products/support';

/**
 * The app reaches the real test PostgreSQL through a proxy the test can freeze (a hung server:
 * connections open, no answer) or cut (a stopped server). Every request must end within the
 * configured bounds with a 503 the client can act on, and the service must come back by itself.
 */
describe('When PostgreSQL hangs or stops', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let seller: Seller;

  beforeAll(async () => {
    const target = new URL(databaseUrl());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    t = await startTestApp({
      DATABASE_URL: proxy.urlFor(databaseUrl()),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '1000',
      DATABASE_QUERY_TIMEOUT_MS: '1500',
    });
    seller = await registerSeller(t.app);
    expect((await request(t.app).post('/api/products').set(seller.auth).send(productBody())).status).toBe(201);
  });
  afterAll(async () => {
    await proxy.heal();
    await t.close();
    await proxy.close();
  });

  const expectUnavailable = (res: request.Response) => {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 503, code: 'database_unavailable' });
  };

  const timed = async (req: () => request.Test) => {
    const started = Date.now();
    const res = await req();
    return { res, ms: Date.now() - started };
  };

  const healthy = async () => {
    for (let i = 0; i < 40; i++) {
      const res = await request(t.app).get('/api/products').set(seller.auth);
      if (res.status === 200) return res;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the service did not recover');
  };

  it('When it hangs, then reads and writes answer 503 with Retry-After within the bounds, and the service recovers when it answers again', async () => {
    proxy.freeze();
    const reads = await Promise.all(Array.from({ length: 5 }, () => timed(() => request(t.app).get('/api/products').set(seller.auth))));
    const write = await timed(() => request(t.app).post('/api/products').set(seller.auth).send(productBody()));
    for (const { res, ms } of [...reads, write]) {
      expectUnavailable(res);
      // Connect (1 s) or query (1.5 s) bound, whichever the request meets first; the generous
      // margin is for a busy machine. Without the bounds these requests wait for ever.
      expect(ms).toBeLessThan(8000);
    }
    const health = await request(t.app).get('/health');
    expect(health.status).toBe(503);

    await proxy.heal();
    const back = await healthy();
    expect(back.body.total).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('When it is down, then every /api call answers 503 problem+json with Retry-After, not 500, and the service recovers when it is back', async () => {
    await proxy.cut();
    expectUnavailable(await request(t.app).get('/api/products').set(seller.auth));
    expectUnavailable(await request(t.app).post('/api/products').set(seller.auth).send(productBody()));
    expectUnavailable(await request(t.app).get('/api/notifications').set(seller.auth));
    expect((await request(t.app).get('/health')).status).toBe(503);
    await proxy.heal();
    await healthy();
    expect((await request(t.app).post('/api/products').set(seller.auth).send(productBody())).status).toBe(201);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { registerAccount, startAccountsApp, type Registered } from '../accounts/support';

const ORIGIN = 'https://app.stoflow.example';

/** Sends the bytes as they are: superagent would otherwise JSON-serialise a Buffer sent as application/json. */
const bytes = (req: request.Test, body: Buffer) => req.serialize(() => body as unknown as string).send(body);

const expectProblem = (res: request.Response, status: number, instance: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: 'about:blank', status, instance });
  expect(res.body.request_id).toBe(res.headers['x-request-id']);
};

/**
 * The route registry says which methods each path serves: a wrong method is a 405 naming them
 * (RFC 9110 §15.5.6), and a CORS preflight offers those and no others. A request body in a content
 * coding the API cannot read is a 415 saying which it can; one that does not decode is a 400.
 */
describe('Methods and content codings at the HTTP edge', () => {
  let t: TestApp;
  let account: Registered;

  beforeAll(async () => {
    t = await startAccountsApp({ CORS_ORIGINS: ORIGIN });
    account = await registerAccount(t.app);
  });
  afterAll(() => t.close());

  describe('a method the path does not serve', () => {
    it('When a GET-only path is sent a DELETE, then it is a 405 problem whose Allow header lists GET and HEAD', async () => {
      const res = await request(t.app).delete('/api/categories');
      expectProblem(res, 405, '/api/categories');
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.body).toMatchObject({ title: 'Method Not Allowed', code: 'method_not_allowed' });
      expect(res.body.detail).toContain('DELETE');
    });

    it('When a path with a parameter is sent a method none of its routes serves, then the 405 lists every method of that path, before any token is asked for', async () => {
      const path = `/api/products/${randomUUID()}`;
      const res = await request(t.app).put(path);
      expectProblem(res, 405, path);
      expect(res.headers.allow).toBe('DELETE, GET, HEAD, PATCH');
    });

    it('When two routes’ paths match the same request path, then the 405 lists the methods of both', async () => {
      // POST /api/attributes/brands, and GET /api/attributes/{kind} with kind = brands.
      const brands = await request(t.app).delete('/api/attributes/brands');
      expectProblem(brands, 405, '/api/attributes/brands');
      expect(brands.headers.allow).toBe('GET, HEAD, POST');
      const colors = await request(t.app).delete('/api/attributes/colors');
      expect(colors.headers.allow).toBe('GET, HEAD');
    });

    it('When a POST-only path is sent a GET or a HEAD, then it is a 405 whose Allow header is POST', async () => {
      const get = await request(t.app).get('/api/auth/login');
      expectProblem(get, 405, '/api/auth/login');
      expect(get.headers.allow).toBe('POST');
      const head = await request(t.app).head('/api/auth/login');
      expect(head.status).toBe(405);
      expect(head.headers.allow).toBe('POST');
    });

    it('When the path differs from a route’s only by case or a trailing slash, then it is matched as the router matches it', async () => {
      const res = await request(t.app).delete('/api/Categories/');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    });

    it('When a GET path is sent a HEAD, then it is served as a GET', async () => {
      const res = await request(t.app).head('/api/categories');
      expect(res.status).toBe(200);
    });

    it('When no route has the path, then any method is still a 404 problem without an Allow header', async () => {
      for (const [method, path] of [['delete', '/api/nothing-here'], ['get', `/api/products/${randomUUID()}/nothing`]] as const) {
        const res = await request(t.app)[method](path);
        expectProblem(res, 404, path);
        expect(res.body.code).toBe('route_not_found');
        expect(res.headers.allow).toBeUndefined();
      }
    });
  });

  describe('a CORS preflight', () => {
    const preflight = (path: string, method: string) =>
      request(t.app).options(path).set('Origin', ORIGIN).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'authorization, content-type');

    it('When an allowed origin asks about a path with a parameter, then the answer offers exactly that path’s methods', async () => {
      const res = await preflight(`/api/products/${randomUUID()}`, 'PATCH');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(res.headers['access-control-allow-methods']).toBe('DELETE,GET,HEAD,PATCH');
    });

    it('When an allowed origin asks about a GET-only or a POST-only path, then the answer offers only those methods', async () => {
      expect((await preflight('/api/categories', 'GET')).headers['access-control-allow-methods']).toBe('GET,HEAD');
      expect((await preflight('/api/auth/login', 'POST')).headers['access-control-allow-methods']).toBe('POST');
    });

    it('When an allowed origin asks about a path no route has, then nothing is offered and the answer is a 404 problem', async () => {
      const res = await preflight('/api/nothing-here', 'DELETE');
      expectProblem(res, 404, '/api/nothing-here');
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    });

    it('When another origin asks, then no CORS header is granted', async () => {
      const res = await request(t.app).options('/api/categories').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    });
  });

  describe('a content-coded request body', () => {
    const credentials = () => Buffer.from(JSON.stringify({ email: account.email, password: account.password }));
    const login = (coding: string, body: Buffer) => bytes(request(t.app).post('/api/auth/login').set('Content-Type', 'application/json').set('Content-Encoding', coding), body);

    it('When Content-Encoding says gzip but the body is plain JSON, then it is a 400 problem naming the gzip data as malformed', async () => {
      const res = await login('gzip', credentials());
      expectProblem(res, 400, '/api/auth/login');
      expect(res.body).toMatchObject({ title: 'Bad Request', code: 'malformed_content_encoding', errors: [{ field: 'body', message: 'is not valid gzip data' }] });
      expect(res.body.detail).toContain('gzip');
    });

    it('When a gzip body is cut short, then it is a 400 problem too', async () => {
      const res = await login('gzip', gzipSync(credentials()).subarray(0, 12));
      expectProblem(res, 400, '/api/auth/login');
      expect(res.body.code).toBe('malformed_content_encoding');
    });

    it.each(['compress', 'zstd', 'gzip, gzip'])('When the body is in the content coding %p, then it is a 415 problem whose Accept-Encoding lists the codings accepted', async (coding) => {
      const res = await login(coding, credentials());
      expectProblem(res, 415, '/api/auth/login');
      expect(res.body).toMatchObject({ title: 'Unsupported Media Type', code: 'unsupported_content_encoding' });
      expect(res.headers['accept-encoding']).toBe('gzip, deflate, br');
    });

    it('When a multipart upload is gzipped, then it is a 415 whose Accept-Encoding is identity: uploads are read as sent', async () => {
      const body = Buffer.from('--x\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--x--\r\n');
      const path = `/api/products/${randomUUID()}/images`;
      const upload = request(t.app).post(path).set('Content-Type', 'multipart/form-data; boundary=x').set('Content-Encoding', 'gzip');
      const res = await bytes(upload, gzipSync(body));
      expectProblem(res, 415, path);
      expect(res.headers['accept-encoding']).toBe('identity');
    });

    it.each([
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
      ['GZip', gzipSync],
    ])('When valid JSON is sent as %s, then it is read as JSON', async (coding, encode) => {
      const res = await login(coding, encode(credentials()));
      expect(res.status).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    });

    it('When a small gzip body inflates past the 1 MB body limit, then it is a 413 problem', async () => {
      const inflating = gzipSync(Buffer.from(JSON.stringify({ email: account.email, password: 'x'.repeat(2 * 1024 * 1024) })));
      expect(inflating.length).toBeLessThan(16 * 1024);
      const res = await login('gzip', inflating);
      expectProblem(res, 413, '/api/auth/login');
      expect(res.body.code).toBe('body_too_large');
    });

    it('When a body decodes but is not JSON, then it is the usual malformed-JSON 400', async () => {
      const res = await login('gzip', gzipSync(Buffer.from('{"email": ')));
      expectProblem(res, 400, '/api/auth/login');
      expect(res.body.code).toBe('malformed_json');
    });

    it('When Content-Encoding is identity, then the body is read as sent', async () => {
      const res = await login('identity', credentials());
      expect(res.status).toBe(200);
    });
  });
});

import request from 'supertest';
import type { TestApp } from '../support/app';
import { OPENAI_TEST_KEY, startOpenAiDouble, type OpenAiDouble } from '../doubles/openai';
import { createProduct, fieldsOf, registerSeller, startProductsApp, type Seller } from '../products/support';

describe('Bulk AI descriptions (a job written by the reactor)', () => {
  let double: OpenAiDouble;
  let t: TestApp;
  beforeAll(async () => {
    double = await startOpenAiDouble();
    t = await startProductsApp({ OPENAI_API_KEY: OPENAI_TEST_KEY, OPENAI_BASE_URL: double.baseUrl, OPENAI_TIMEOUT_MS: '2000', AI_JOB_CONCURRENCY: '2' });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await double.close();
  });

  async function settled(seller: Seller, jobId: string) {
    for (let i = 0; i < 200; i++) {
      const job = (await request(t.app).get(`/api/ai/jobs/${jobId}`).set(seller.auth)).body;
      if (job.status === 'completed') return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the job did not complete');
  }

  it('When a seller asks for several products, then it is 202 with a job, and the job shows each product’s outcome once written', async () => {
    const seller = await registerSeller(t.app);
    const products = [];
    for (let i = 0; i < 4; i++) products.push(await createProduct(t.app, seller, { brand: 'Zara' }));
    const unknown = '00000000-0000-4000-8000-000000000001';
    const res = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: [...products.map((p) => p.id), unknown], language: 'fr', apply: true });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'running', total: 5 });
    expect(res.headers.location).toBe(`/api/ai/jobs/${res.body.job_id}`);

    const job = await settled(seller, res.body.job_id);
    expect(job).toMatchObject({ total: 5, succeeded: 4, failed: 1, pending: 0 });
    expect(job.items.map((i: { product_id: string }) => i.product_id)).toEqual([...products.map((p) => p.id), unknown]);
    expect(job.items[4]).toMatchObject({ status: 'failed', error_code: 'product_not_found', generation_id: null });
    for (const item of job.items.slice(0, 4)) expect(item).toMatchObject({ status: 'succeeded', generation_id: expect.any(String) });
    // Applied, each through an edit; charged one credit each.
    for (const p of products) expect((await request(t.app).get(`/api/products/${p.id}`).set(seller.auth)).body).toMatchObject({ title: 'Robe noire Zara, taille M', version: p.version + 1 });
    expect((await request(t.app).get('/api/subscription').set(seller.auth)).body.usage.ai_credits_used).toBe(4);
    const log = (await request(t.app).get('/api/ai/generations').set(seller.auth)).body;
    expect(log.items.filter((g: { job_id: string }) => g.job_id === res.body.job_id)).toHaveLength(4);
  });

  it('When two sellers run jobs at once, then the provider never has more than AI_JOB_CONCURRENCY of them in flight, and a job shows its products pending until written', async () => {
    double.answerDelayMs = 150;
    double.peakInFlight = 0;
    try {
      const sellers = [await registerSeller(t.app), await registerSeller(t.app)];
      const jobs: { seller: Seller; id: string }[] = [];
      for (const seller of sellers) {
        const ids = [];
        for (let i = 0; i < 4; i++) ids.push((await createProduct(t.app, seller, { brand: 'Zara' })).id);
        const res = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: ids });
        expect(res.status).toBe(202);
        jobs.push({ seller, id: res.body.job_id });
      }
      // Eight answers of 150 ms two at a time take 600 ms or more: the first seller's job is still
      // being written when it is read here.
      const early = (await request(t.app).get(`/api/ai/jobs/${jobs[0]!.id}`).set(jobs[0]!.seller.auth)).body;
      expect(early.pending).toBeGreaterThan(0);
      expect(early.items.filter((i: { status: string }) => i.status === 'pending').length).toBe(early.pending);
      for (const job of jobs) expect(await settled(job.seller, job.id)).toMatchObject({ succeeded: 4, failed: 0, pending: 0 });
      expect(double.peakInFlight).toBe(2);
    } finally {
      double.answerDelayMs = 0;
    }
  });

  it('When the credits run out during a job, then the rest fail with the credits problem and nothing more is charged', async () => {
    const seller = await registerSeller(t.app);
    await t.services.aiCredits.consume(seller.tenantId, 'test:most', 9);
    const products = [await createProduct(t.app, seller, { brand: 'Zara' }), await createProduct(t.app, seller, { brand: 'Zara' })];
    const res = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: products.map((p) => p.id) });
    const job = await settled(seller, res.body.job_id);
    expect(job).toMatchObject({ succeeded: 1, failed: 1 });
    expect(job.items.find((i: { status: string }) => i.status === 'failed')).toMatchObject({ error_code: 'ai_credits_exhausted' });
    expect((await request(t.app).get('/api/subscription').set(seller.auth)).body.usage.ai_credits_used).toBe(10);
  });

  it('When the request is wrong, then the problem names the field', async () => {
    const seller = await registerSeller(t.app);
    const many = Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000001');
    const tooMany = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: many });
    expect(tooMany.status).toBe(400);
    expect(fieldsOf(tooMany.body)).toEqual(['product_ids']);
    const none = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: [] });
    expect(fieldsOf(none.body)).toEqual(['product_ids']);
    const twice = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: [many[0], many[0]] });
    expect(twice.status).toBe(422);
    expect(fieldsOf(twice.body)).toEqual(['product_ids.1']);
    const notUuid = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: ['x'], tone: 'shouty' });
    expect(fieldsOf(notUuid.body)).toEqual(expect.arrayContaining(['product_ids.0', 'tone']));
  });

  it('When a job is not the seller’s, then it is 404', async () => {
    const seller = await registerSeller(t.app);
    const other = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    const res = await request(t.app).post('/api/ai/descriptions').set(seller.auth).send({ product_ids: [p.id] });
    expect((await request(t.app).get(`/api/ai/jobs/${res.body.job_id}`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).get('/api/ai/jobs/not-a-uuid').set(seller.auth)).status).toBe(404);
    await settled(seller, res.body.job_id);
  });
});

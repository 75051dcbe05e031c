import sharp from 'sharp';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { OPENAI_TEST_KEY, startOpenAiDouble, type OpenAiDouble } from '../doubles/openai';
import { PNG } from '../products/images';
import { createProduct, etag, fieldsOf, registerSeller, startProductsApp, type Seller } from '../products/support';

describe('AI descriptions with a provider (the OpenAI-compatible double)', () => {
  let double: OpenAiDouble;
  let t: TestApp;
  beforeAll(async () => {
    double = await startOpenAiDouble();
    t = await startProductsApp({ OPENAI_API_KEY: OPENAI_TEST_KEY, OPENAI_BASE_URL: double.baseUrl, OPENAI_MODEL: 'gpt-4o-mini', OPENAI_TIMEOUT_MS: '1500' });
  });
  afterAll(async () => {
    await t.close();
    await double.close();
  });
  beforeEach(() => double.reset());

  const generate = (seller: Seller, id: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) => request(t.app).post(`/api/products/${id}/ai-description`).set(seller.auth).set(headers).send(body);
  const product = async (seller: Seller, id: string) => (await request(t.app).get(`/api/products/${id}`).set(seller.auth)).body;
  const creditsUsed = async (seller: Seller) => (await request(t.app).get('/api/subscription').set(seller.auth)).body.usage.ai_credits_used as number;
  const log = async (seller: Seller, query = '') => (await request(t.app).get(`/api/ai/generations${query}`).set(seller.auth)).body;

  it('When a seller asks with photos, then the model gets the facts and the photos as image parts, and the answer has the listing, the usage and one credit charged', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara', category: 'women-dresses', color: 'black' });
    expect((await request(t.app).post(`/api/products/${p.id}/images`).set(seller.auth).attach('file', PNG, 'front.png')).status).toBe(201);
    // A phone's photo: 4,032 × 3,024 as stored.
    const photo = await sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#1b1b1b' } }).jpeg({ quality: 92 }).toBuffer();
    expect((await request(t.app).post(`/api/products/${p.id}/images`).set(seller.auth).attach('file', photo, 'back.jpg')).status).toBe(201);

    const res = await generate(seller, p.id, { language: 'fr', tone: 'friendly', marketplace: 'ebay', use_images: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Robe noire Zara, taille M', tags: ['robe', 'noir', 'zara'], provider: 'openai', model: 'gpt-4o-mini', credits_charged: 1, language: 'fr', applied: false, product_version: 3 });
    expect(res.body.usage.input_tokens).toBeGreaterThan(0);
    expect(res.body.usage.output_tokens).toBeGreaterThan(0);
    const sent = double.requests[0]!;
    // Each photo reaches the model sized down, as a JPEG no side of which passes 1,024 px.
    expect(sent.images).toHaveLength(2);
    const received = await Promise.all(sent.images.map(async (i) => sharp(Buffer.from(i.url.replace(/^data:image\/jpeg;base64,/, ''), 'base64')).metadata()));
    expect(sent.images.map((i) => i.url.slice(0, 23))).toEqual(['data:image/jpeg;base64,', 'data:image/jpeg;base64,']);
    expect(received.map((m) => [m.format, m.width, m.height])).toEqual([
      ['jpeg', 1, 1],
      ['jpeg', 1024, 768],
    ]);
    expect(sent.body.response_format?.type).toBe('json_schema');
    const system = sent.body.messages[0]!.content as string;
    expect(system).toContain('Write in French');
    expect(system).toContain('at most 80 characters');
    expect(system).toMatch(/never name any other brand/);
    expect(system).toMatch(/Never invent/);
    expect(await creditsUsed(seller)).toBe(1);
    // Nothing changed on the product.
    expect((await product(seller, p.id)).version).toBe(3);

    const listed = await log(seller);
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ generation_id: res.body.generation_id, product_id: p.id, product_version: 3, provider: 'openai', model: 'gpt-4o-mini', status: 'succeeded', credits_charged: 1, images_sent: 2, applied: false });
    expect(listed.items[0].usage).toEqual(res.body.usage);
    expect(listed.items[0].cost_estimate_usd).toBeGreaterThan(0);
    expect(listed.items[0].latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('When apply is true with the current ETag, then the product takes the title and description through an edit marked as AI, and the ETag moves', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    const res = await generate(seller, p.id, { apply: true }, { 'If-Match': etag(p.version) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: true, product_version: p.version + 1 });
    expect(res.headers.etag).toBe(etag(p.version + 1));
    const after = await product(seller, p.id);
    expect(after).toMatchObject({ title: 'Robe noire Zara, taille M', description: 'Robe noire de la marque Zara, taille M, en très bon état.', version: p.version + 1 });
    const events = await t.services.eventStore.readStream(seller.tenantId, `product-${p.id}`);
    const edit = events[events.length - 1]!;
    expect(edit.type).toBe('ProductDetailsUpdated');
    expect(edit.metadata).toMatchObject({ source: 'ai', generation_id: res.body.generation_id, actor: seller.userId });
    expect((await log(seller)).items[0]).toMatchObject({ applied: true, applied_version: p.version + 1 });
  });

  it('When apply is true with a stale ETag, then it is 412, nothing is asked of the provider, charged or changed', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    expect((await request(t.app).patch(`/api/products/${p.id}`).set(seller.auth).set('If-Match', etag(p.version)).send({ price: 12 })).status).toBe(200);
    const res = await generate(seller, p.id, { apply: true }, { 'If-Match': etag(p.version) });
    expect(res.status).toBe(412);
    expect(double.requests).toHaveLength(0);
    expect(await creditsUsed(seller)).toBe(0);
    expect((await product(seller, p.id)).version).toBe(p.version + 1);
  });

  it('When apply is asked of a sold product, then it is 422 before the provider is asked or a credit taken; without apply the listing is still written', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    expect((await request(t.app).post(`/api/products/${p.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 20, channel: 'offline' })).status).toBe(201);
    const res = await generate(seller, p.id, { apply: true });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'product_sold' });
    expect(double.requests).toHaveLength(0);
    expect(await creditsUsed(seller)).toBe(0);
    expect((await generate(seller, p.id)).status).toBe(200);
  });

  it('When the month’s credits are spent, then it is 402 naming the limit and when it resets, and the provider is not called', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    await t.services.aiCredits.consume(seller.tenantId, 'test:spend-all', 10);
    const res = await generate(seller, p.id);
    expect(res.status).toBe(402);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 402, code: 'ai_credits_exhausted', limit: 'ai_credits_per_month', plan: 'free', allowed: 10, left: 0 });
    expect(res.body.resets_at).toEqual(expect.any(String));
    expect(res.body.detail).toContain('They reset on');
    expect(double.requests).toHaveLength(0);
    expect((await log(seller)).items[0]).toMatchObject({ status: 'failed', error_code: 'ai_credits_exhausted', credits_charged: 0 });
  });

  it('When the provider answers 429 once with a short retry-after, then the generation succeeds on the retry', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'status', status: 429, retryAfter: '0.2' });
    const res = await generate(seller, p.id);
    expect(res.status).toBe(200);
    expect(double.requests).toHaveLength(2);
    expect((await log(seller)).items[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('When the provider keeps rate limiting beyond the budget, then it is 503 with Retry-After, nothing charged, nothing changed, and the log has the error', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'status', status: 429, retryAfter: '20' });
    const res = await generate(seller, p.id, { apply: true }, { 'If-Match': etag(p.version) });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('20');
    expect(res.body).toMatchObject({ code: 'ai_rate_limited' });
    expect(await creditsUsed(seller)).toBe(0);
    expect((await product(seller, p.id)).version).toBe(p.version);
    expect((await log(seller)).items[0]).toMatchObject({ status: 'failed', error_code: 'ai_rate_limited', credits_charged: 0, product_version: p.version });
  });

  it('When the provider keeps answering 500, then it is 503 unavailable and nothing is charged', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script(...Array.from({ length: 20 }, () => ({ kind: 'status' as const, status: 500 })));
    const res = await generate(seller, p.id);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'ai_unavailable' });
    expect(double.requests.length).toBeGreaterThan(1);
    expect(await creditsUsed(seller)).toBe(0);
  });

  it('When the provider is slower than OPENAI_TIMEOUT_MS, then it is 504 and nothing is applied or charged', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'slow', delayMs: 5000 });
    const res = await generate(seller, p.id, { apply: true });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ status: 504, code: 'ai_timeout' });
    expect(await creditsUsed(seller)).toBe(0);
    expect((await product(seller, p.id)).version).toBe(p.version);
  });

  it('When the model answers something that is not the JSON asked for, then it is asked once more; twice invalid is 502', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'content', content: 'Here you go: a lovely dress' });
    expect((await generate(seller, p.id)).status).toBe(200);
    expect(double.requests).toHaveLength(2);
    expect(double.requests[1]!.body.messages[0]!.content).toContain('Your previous answer was refused: the answer is not JSON');

    double.reset();
    double.script({ kind: 'content', content: 'not json' }, { kind: 'content', content: '{"title": 3}' });
    const res = await generate(seller, p.id, { apply: true });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'ai_invalid_output' });
    expect(res.body.detail).toMatch(/does not match the schema/);
    expect(await creditsUsed(seller)).toBe(1);
    expect((await product(seller, p.id)).version).toBe(p.version);
  });

  it('When the model names another brand than the product’s, then the answer is refused', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'listing', listing: { description: 'Robe noire, style Nike.' } }, { kind: 'listing', listing: { tags: ['robe', 'adidas'] } });
    const res = await generate(seller, p.id);
    expect(res.status).toBe(502);
    expect(res.body.detail).toMatch(/names a brand the product is not \(adidas\)/);
    expect(await creditsUsed(seller)).toBe(0);
  });

  it('When the seller gives materials, measurements and defects, then the model gets them with the product’s own facts, and nothing more', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara', category: 'women-dresses', color: 'black' });
    const res = await generate(seller, p.id, { language: 'en', materials: ['cotton'], measurements: ['length 90 cm'], defects: ['a small mark on the back'] });
    expect(res.status).toBe(200);
    const user = double.requests[0]!.body.messages.find((m) => m.role === 'user')!;
    const text = typeof user.content === 'string' ? user.content : (user.content as { type: string; text?: string }[]).find((c) => c.type === 'text')!.text!;
    expect(JSON.parse(text)).toMatchObject({
      brand: 'Zara',
      category: { en: 'Dresses', fr: 'Robes' },
      colour: { en: 'Black', fr: 'Noir' },
      size: 'M',
      materials: ['cotton'],
      measurements: ['length 90 cm'],
      defects: ['a small mark on the back'],
    });
  });

  it('When the product changes while the model writes, then applying is 412, the product keeps the seller’s edit and the credit is given back', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'listing', listing: {}, delayMs: 400 });
    const pending = generate(seller, p.id, { apply: true }).then((r) => r);
    await new Promise((r) => setTimeout(r, 150));
    const edit = await request(t.app).patch(`/api/products/${p.id}`).set(seller.auth).set('If-Match', `"${p.version}"`).send({ title: 'Titre du vendeur' });
    expect(edit.status).toBe(200);
    const res = await pending;
    expect(res.status).toBe(412);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await product(seller, p.id)).toMatchObject({ title: 'Titre du vendeur', version: p.version + 1 });
    expect(await creditsUsed(seller)).toBe(0);
    expect((await log(seller)).items[0]).toMatchObject({ status: 'failed', credits_charged: 0 });
  });

  it('When the model’s title is too long for the marketplace, then it is cut to its limit', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'listing', listing: { title: 'Robe noire Zara '.repeat(12), tags: Array.from({ length: 20 }, (_, i) => `étiquette numéro ${i} beaucoup trop longue`) } });
    const res = await generate(seller, p.id, { marketplace: 'etsy' });
    expect(res.status).toBe(200);
    expect(res.body.title.length).toBeLessThanOrEqual(140);
    expect(res.body.tags).toHaveLength(13);
    for (const tag of res.body.tags) expect(tag.length).toBeLessThanOrEqual(20);
  });

  it('When the model’s answer holds a NUL character or an unpaired surrogate, then each is replaced by U+FFFD and the listing is written and applied', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    double.script({ kind: 'listing', listing: { title: 'Robe noire\u0000 Zara', description: 'Robe \ud800noire Zara.' } });
    const res = await generate(seller, p.id, { apply: true }, { 'If-Match': etag(p.version) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Robe noire\uFFFD Zara', description: 'Robe \uFFFDnoire Zara.', applied: true });
    expect(await product(seller, p.id)).toMatchObject({ title: 'Robe noire\uFFFD Zara', description: 'Robe \uFFFDnoire Zara.', version: p.version + 1 });
    expect((await log(seller)).items[0]).toMatchObject({ status: 'succeeded', applied: true });
  });

  it('When the body is wrong, then the problem names the field', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    const bad = await generate(seller, p.id, { language: 'pt', tone: 'angry' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(expect.arrayContaining(['language', 'tone']));
    expect((await generate(seller, p.id, { surprise: true })).status).toBe(400);
    expect((await generate(seller, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const other = await registerSeller(t.app);
    expect((await generate(other, p.id)).status).toBe(404);
  });

  it('When the log is paged, then limit and offset page through it, newest first', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { brand: 'Zara' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await generate(seller, p.id)).body.generation_id);
    const first = await log(seller, '?limit=2');
    expect(first).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(first.items.map((i: { generation_id: string }) => i.generation_id)).toEqual([ids[2], ids[1]]);
    expect((await log(seller, '?limit=2&offset=2')).items.map((i: { generation_id: string }) => i.generation_id)).toEqual([ids[0]]);
    const bad = await request(t.app).get('/api/ai/generations?limit=0').set(seller.auth);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['limit']);
  });
  it('When the OpenAPI document is read, then it describes the AI endpoints with their problems', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>> };
    const generate = doc.paths['/api/products/{id}/ai-description']!.post!;
    expect(Object.keys(generate.responses)).toEqual(expect.arrayContaining(['200', '402', '412', '502', '503', '504']));
    expect(generate.requestBody).toBeDefined();
    expect(doc.paths['/api/ai/descriptions']!.post!.responses['202']).toBeDefined();
    expect(doc.paths['/api/ai/jobs/{id}']!.get).toBeDefined();
    expect(doc.paths['/api/ai/generations']!.get).toBeDefined();
  });
});

describe('AI descriptions without a provider (the built-in template)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startProductsApp({ OPENAI_API_KEY: '' });
  });
  afterAll(async () => t.close());

  it('When no key is configured, then the template writes the listing in the account’s language, for free, and logs it', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { category: 'women-dresses', brand: 'Zara', color: 'black', size: 'm', gender: 'women', condition: 'very_good' });
    const res = await request(t.app).post(`/api/products/${p.id}/ai-description`).set(seller.auth).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Robe noire Zara taille M', provider: 'template', model: 'template-v1', credits_charged: 0, usage: { input_tokens: 0, output_tokens: 0 }, language: 'fr' });
    expect(res.body.description).toMatch(/^Robe noire Zara pour femme, taille M\. En très bon état/);
    const subscription = (await request(t.app).get('/api/subscription').set(seller.auth)).body;
    expect(subscription.usage.ai_credits_used).toBe(0);
    const listed = (await request(t.app).get('/api/ai/generations').set(seller.auth)).body;
    expect(listed.items[0]).toMatchObject({ provider: 'template', model: 'template-v1', status: 'succeeded', credits_charged: 0 });
  });

  it('When English is asked and applied, then the product is edited with it', async () => {
    const seller = await registerSeller(t.app);
    const p = await createProduct(t.app, seller, { category: 'jeans', brand: "Levi's", color: 'black', size: 'w32', gender: 'men', condition: 'good' });
    const res = await request(t.app).post(`/api/products/${p.id}/ai-description`).set(seller.auth).set('If-Match', etag(p.version)).send({ language: 'en', apply: true });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe("Levi's men's black jeans – size W32");
    const after = (await request(t.app).get(`/api/products/${p.id}`).set(seller.auth)).body;
    expect(after.title).toBe("Levi's men's black jeans – size W32");
    expect(after.description).toBe(res.body.description);
  });

  it('When German is asked, then the template writes German for a T-shirt, and English, saying so, for a lamp', async () => {
    const seller = await registerSeller(t.app);
    const shirt = await createProduct(t.app, seller, { category: 'women-t-shirts', color: 'black', brand: 'Nike' });
    const res = await request(t.app).post(`/api/products/${shirt.id}/ai-description`).set(seller.auth).send({ language: 'de' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ language: 'de', title: 'Schwarzes T-Shirt Nike Größe M' });
    const lamp = await createProduct(t.app, seller, { category: 'home-lighting', color: null, brand: null, size: null, gender: null });
    const fallback = await request(t.app).post(`/api/products/${lamp.id}/ai-description`).set(seller.auth).send({ language: 'de' });
    expect(fallback.status).toBe(200);
    expect(fallback.body.language).toBe('en');
  });

});

import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import type { SeedUser } from '../doubles/etsy/state';
import { createProduct, registerSeller, type Seller } from '../products/support';
import { JPEG, PNG } from '../products/images';
import { startTestApp, type TestApp } from '../support/app';

const CALLBACK = 'https://stoflow.test/api/integrations/etsy/callback';
const YEAR = new Date().getUTCFullYear();
/** One Etsy seller (with a shop in euros, one profile of each kind) per Stoflow seller of these tests. */
const ETSY_USERS: SeedUser[] = Array.from({ length: 10 }, (_, i) => ({
  user_id: 31000001 + i,
  login_name: `atelier${i}`,
  shop: { shop_id: 41000001 + i, shop_name: `AtelierVintage${i}`, currency_code: 'EUR', country_iso: 'FR' },
}));
/** A 1990s jacket someone else made: vintage, as Etsy lists it. */
const VINTAGE = { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s', is_supply: false, tags: ['denim jacket', '90s', "levi's"], materials: ['cotton denim'] };

interface Listing {
  id: string;
  marketplace: string;
  status: string;
  attempts: number;
  url: string | null;
  external: Record<string, string>;
  last_error: { reason: string; errors: { id: string; message: string }[]; retryable: boolean; next_retry_at: string | null } | null;
}

describe('Publishing to Etsy (against the Etsy double)', () => {
  let etsy: EtsyDouble;
  let t: TestApp;
  let nextUser = 0;

  beforeAll(async () => {
    etsy = await startEtsyDouble({ users: ETSY_USERS });
    etsy.addRedirectUri(CALLBACK);
    t = await startTestApp({
      ETSY_API_KEY: etsy.app.keystring,
      ETSY_SHARED_SECRET: etsy.app.sharedSecret,
      ETSY_REDIRECT_URI: CALLBACK,
      ETSY_API_BASE_URL: etsy.baseUrl,
      ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
    });
    await t.services.startProcessing();
  });
  afterAll(async () => {
    await t.close();
    await etsy.stop();
  });
  afterEach(() => etsy.faults.clear());

  /** A Stoflow seller connected, through the consent flow, to an Etsy seller of their own. */
  async function connectedSeller(): Promise<Seller & { shopId: number }> {
    const etsyUser = ETSY_USERS[nextUser++]!;
    const seller = await registerSeller(t.app);
    etsy.setConsent({ userId: etsyUser.user_id });
    const start = await request(t.app).get('/api/integrations/etsy/connect').set(seller.auth);
    expect(start.status).toBe(200);
    const consent = await fetch(start.body.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const callback = await request(t.app).get(`${back.pathname}${back.search}`);
    expect(callback.status).toBe(200);
    // The shop had one profile of each kind: all three were chosen at connection.
    expect(Object.keys(callback.body.settings).sort()).toEqual(['readiness_state_id', 'return_policy_id', 'shipping_profile_id']);
    return { ...seller, shopId: (etsyUser.shop as { shop_id: number }).shop_id };
  }

  async function photographedProduct(seller: Seller, overrides: Record<string, unknown> = {}) {
    const product = await createProduct(t.app, seller, { title: 'Vintage 90s denim jacket', ...overrides });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    return product;
  }

  const publish = (seller: Seller, productId: string, etsyOverrides: Record<string, unknown> = VINTAGE) =>
    request(t.app).post(`/api/products/${productId}/publish`).set(seller.auth).send({ marketplaces: ['etsy'], overrides: { etsy: etsyOverrides } });

  async function listingOf(seller: Seller, productId: string, until: (l: Listing) => boolean): Promise<Listing> {
    const deadline = Date.now() + 25_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      expect(res.status).toBe(200);
      const listing = (res.body.items as Listing[]).find((l) => l.marketplace === 'etsy');
      if (listing && until(listing)) return listing;
      if (Date.now() > deadline) throw new Error(`listing never got there: ${JSON.stringify(listing)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const draftsOf = (shopId: number, title: string) => [...etsy.state.listings.values()].filter((l) => l.shop_id === shopId && l.title === title);
  const requestsTo = (pattern: RegExp, method?: string) => etsy.requests.filter((r) => pattern.test(r.path) && (!method || r.method === method));

  it('When a connected seller publishes a vintage item with a photo, then it becomes active on Etsy: a draft with the provenance, the photo’s own bytes uploaded, the SKU, price and stock in the inventory', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller);
    const from = etsy.requests.length;
    const res = await publish(seller, product.id);
    expect(res.status).toBe(202);
    expect(res.body.listings).toEqual([{ id: expect.any(String), marketplace: 'etsy', status: 'queued' }]);

    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    const listingId = Number(active.external.listing_id);
    expect(active.url).toBe(`https://www.etsy.com/listing/${listingId}`);
    expect(active.external).toMatchObject({ shop_id: String(seller.shopId), image_ids: expect.stringMatching(/^\d+$/), photo_ids: expect.any(String) });

    const onEtsy = etsy.state.listings.get(listingId)!;
    expect(onEtsy).toMatchObject({
      shop_id: seller.shopId,
      state: 'active',
      title: 'Vintage 90s denim jacket',
      description: 'Dark wash, barely worn.',
      who_made: 'someone_else',
      when_made: '1990s',
      is_supply: false,
      taxonomy_id: 2044,
      tags: ['denim jacket', '90s', "levi's"],
      materials: ['cotton denim'],
      shipping_profile_id: expect.any(Number),
      return_policy_id: expect.any(Number),
      readiness_state_id: expect.any(Number),
    });
    const images = etsy.state.imagesOf(listingId);
    expect(images).toHaveLength(1);
    expect(images[0]!.bytes.equals(JPEG)).toBe(true);
    expect(String(images[0]!.listing_image_id)).toBe(active.external.image_ids);
    const inventory = etsy.state.inventory.get(listingId)!;
    expect(inventory.products).toEqual([expect.objectContaining({ sku: product.sku, offerings: [expect.objectContaining({ price: 3990, quantity: 1, is_enabled: true })] })]);

    // Every call carried keystring:shared_secret and the seller's token; the draft was a form, the inventory JSON, the photo multipart.
    const calls = etsy.requests.slice(from).filter((r) => r.path.startsWith('/v3/application/'));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const r of calls) {
      expect(r.headers['x-api-key']).toBe(`${etsy.app.keystring}:${etsy.app.sharedSecret}`);
      expect(String(r.headers.authorization)).toMatch(/^Bearer \d+\./);
    }
    expect(requestsTo(new RegExp(`/shops/${seller.shopId}/listings$`), 'POST')[0]!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(requestsTo(new RegExp(`/listings/${listingId}/inventory$`), 'PUT')[0]!.contentType).toMatch(/^application\/json/);
    expect(requestsTo(new RegExp(`/listings/${listingId}/images$`), 'POST')[0]!.files).toEqual([expect.objectContaining({ field: 'image', size: JPEG.length })]);

    const log = await t.services.eventStore.readStream(seller.tenantId, `listing-${active.id}`);
    expect(log.map((e) => e.type)).toEqual(['ListingQueued', 'ListingPublishStarted', 'ListingPublishProgressed', 'ListingPublishProgressed', 'ListingPublished']);
    expect(log[2]!.data).toMatchObject({ external: { listing_id: String(listingId) } });
  });

  it('When a generic used T-shirt (someone else made it, recently, not a supply) is published, then 422 names overrides.etsy.when_made with Etsy’s policy, and nothing is queued or sent', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Plain used T-shirt' });
    const before = etsy.requests.length;

    const tee = await publish(seller, product.id, { taxonomy_id: 2046, who_made: 'someone_else', when_made: `2020_${YEAR}`, is_supply: false });
    expect(tee.status).toBe(422);
    expect(tee.body.errors).toEqual([{ field: 'overrides.etsy.when_made', message: expect.stringMatching(/Etsy lists only handmade items.*vintage items at least 20 years old.*craft supplies/) }]);

    const silent = await publish(seller, product.id, {});
    expect(silent.status).toBe(422);
    expect((silent.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['overrides.etsy.taxonomy_id', 'overrides.etsy.who_made', 'overrides.etsy.when_made']);
    // Not an Etsy parameter: refused as a malformed request.
    expect((await publish(seller, product.id, { ...VINTAGE, category_id: '2046' })).status).toBe(400);

    expect((await request(t.app).get(`/api/products/${product.id}/listings`).set(seller.auth)).body.items).toEqual([]);
    expect(etsy.requests.slice(before)).toEqual([]);
  });

  it('When Etsy answers 429 with retry-after during the photo upload, then the call is retried after the wait and the listing completes with one draft and one photo; when the 429s outlast the call, the next attempt resumes the same draft', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Handmade linen apron' });
    etsy.faults.next({ method: 'POST', path: /\/images$/, kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    await publish(seller, product.id, { taxonomy_id: 2043, who_made: 'i_did', when_made: 'made_to_order' }).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    const listingId = Number(active.external.listing_id);
    expect(active.attempts).toBe(1);
    const uploads = requestsTo(new RegExp(`/listings/${listingId}/images$`), 'POST');
    expect(uploads.map((r) => r.status)).toEqual([429, 201]);
    expect(uploads[1]!.at - uploads[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(draftsOf(seller.shopId, 'Handmade linen apron')).toHaveLength(1);
    expect(etsy.state.imagesOf(listingId)).toHaveLength(1);

    // Three 429s in a row: this attempt gives up (retryable), and the engine's next one resumes.
    const stubborn = await photographedProduct(seller, { title: 'Handmade wool scarf' });
    etsy.faults.next({ method: 'POST', path: /\/images$/, kind: 'status', status: 429, retryAfterSeconds: 1, times: 3 });
    await publish(seller, stubborn.id, { taxonomy_id: 2043, who_made: 'i_did', when_made: 'made_to_order' }).expect(202);
    const resumed = await listingOf(seller, stubborn.id, (l) => l.status === 'active');
    expect(resumed.attempts).toBe(2);
    const drafts = draftsOf(seller.shopId, 'Handmade wool scarf');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.listing_id).toBe(Number(resumed.external.listing_id));
    expect(etsy.state.imagesOf(drafts[0]!.listing_id)).toHaveLength(1);
    expect(requestsTo(new RegExp(`/shops/${seller.shopId}/listings$`), 'POST').filter((r) => (r.body as { title?: string }).title === 'Handmade wool scarf')).toHaveLength(1);
  });

  it('When Etsy keeps a photo but its answer is lost (a 500 after the upload), then the next attempt finds the photo on Etsy and uploads no duplicate', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Vintage brass lamp' });
    etsy.faults.next({ method: 'POST', path: /\/images$/, kind: 'status', status: 500, times: 1 });
    await publish(seller, product.id, { ...VINTAGE, taxonomy_id: 2043, when_made: '1960s' }).expect(202);
    const failed = await listingOf(seller, product.id, (l) => l.status === 'failed');
    expect(failed.last_error).toMatchObject({ retryable: true, next_retry_at: expect.any(String) });
    // What Etsy would hold had it stored the upload before its answer was lost.
    const listingId = Number(failed.external.listing_id);
    const kept = { listing_image_id: etsy.state.ids.take('image'), listing_id: listingId, rank: 1, alt_text: null, created_timestamp: Math.floor(Date.now() / 1000), mimetype: 'image/jpeg' as const, width: null, height: null, bytes: JPEG };
    etsy.state.imagesOf(listingId).push(kept);

    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(active.attempts).toBe(2);
    expect(active.external.image_ids).toBe(String(kept.listing_image_id));
    expect(requestsTo(new RegExp(`/listings/${listingId}/images$`), 'POST').map((r) => r.status)).toEqual([500]);
    expect(etsy.state.imagesOf(listingId)).toEqual([kept]);
    expect(draftsOf(seller.shopId, 'Vintage brass lamp')).toHaveLength(1);
  });

  it('When Etsy refuses the activation for good (400), then the listing fails with Etsy’s message; a retry resumes on the same draft and photo and ends active', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Vintage leather satchel' });
    etsy.faults.next({ method: 'PATCH', path: new RegExp(`^/v3/application/shops/${seller.shopId}/listings/\\d+$`), kind: 'status', status: 400, body: { error: 'A return_policy_id is required for active physical listings.' } });
    await publish(seller, product.id, { ...VINTAGE, taxonomy_id: 170, when_made: '1970s', tags: [], materials: ['leather'] }).expect(202);
    const failed = await listingOf(seller, product.id, (l) => l.status === 'failed');
    expect(failed.last_error).toMatchObject({ retryable: false, next_retry_at: null, errors: [{ id: '400', message: 'A return_policy_id is required for active physical listings.' }] });
    expect(failed.external.listing_id).toMatch(/^\d+$/);
    expect(etsy.state.listings.get(Number(failed.external.listing_id))!.state).toBe('draft');

    const retry = await request(t.app).post(`/api/listings/${failed.id}/retry`).set(seller.auth);
    expect(retry.status).toBe(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(active.external.listing_id).toBe(failed.external.listing_id);
    expect(active.external.image_ids).toBe(failed.external.image_ids);
    expect(draftsOf(seller.shopId, 'Vintage leather satchel')).toHaveLength(1);
    expect(etsy.state.imagesOf(Number(active.external.listing_id))).toHaveLength(1);
    expect(etsy.state.listings.get(Number(active.external.listing_id))!.state).toBe('active');
  });

  it('When the price changes and a photo is added, then Etsy gets the new price and the new photo, once', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Vintage wool blazer' });
    await publish(seller, product.id).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    const listingId = Number(active.external.listing_id);

    const current = await request(t.app).get(`/api/products/${product.id}`).set(seller.auth);
    await request(t.app).patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', String(current.headers.etag)).send({ price: 45 }).expect(200);
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', PNG, 'back.png').expect(201);
    const updated = await listingOf(seller, product.id, (l) => l.external.image_ids?.split(',').length === 2);
    expect(etsy.state.inventory.get(listingId)!.products[0]!.offerings[0]!.price).toBe(4500);
    const images = etsy.state.imagesOf(listingId);
    expect(images.map((i) => String(i.listing_image_id)).join(',')).toBe(updated.external.image_ids);
    expect(images[1]!.bytes.equals(PNG)).toBe(true);
    expect(etsy.state.listings.get(listingId)!.state).toBe('active');
  });

  it('When the seller delists, then the Etsy listing is made inactive; republished, it is the same listing active again; a listing Etsy holds as a draft delists without error', async () => {
    const seller = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Vintage silk scarf' });
    await publish(seller, product.id).expect(202);
    const active = await listingOf(seller, product.id, (l) => l.status === 'active');
    const listingId = Number(active.external.listing_id);
    expect((await publish(seller, product.id)).status).toBe(422);

    expect((await request(t.app).delete(`/api/products/${product.id}/listings/etsy`).set(seller.auth)).status).toBe(202);
    const delisted = await listingOf(seller, product.id, (l) => l.status === 'delisted');
    expect(delisted.url).toBeNull();
    expect(etsy.state.listings.get(listingId)!.state).toBe('inactive');

    await publish(seller, product.id).expect(202);
    const again = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect(again.external.listing_id).toBe(String(listingId));
    expect(etsy.state.listings.get(listingId)!.state).toBe('active');
    expect(etsy.state.imagesOf(listingId)).toHaveLength(1);
    expect(draftsOf(seller.shopId, 'Vintage silk scarf')).toHaveLength(1);

    // Etsy refuses to make a draft inactive; a draft is not for sale, so the delisting is done.
    etsy.state.listings.get(listingId)!.state = 'draft';
    await request(t.app).delete(`/api/products/${product.id}/listings/etsy`).set(seller.auth).expect(202);
    await listingOf(seller, product.id, (l) => l.status === 'delisted');
    const refused = requestsTo(new RegExp(`/shops/${seller.shopId}/listings/${listingId}$`), 'PATCH').at(-1)!;
    expect(refused.status).toBe(400);
    expect(etsy.state.listings.get(listingId)!.state).toBe('draft');
  });

  it('When the API is described, then the publish body documents the Etsy overrides', async () => {
    const doc = await request(t.app).get('/openapi.json');
    expect(doc.status).toBe(200);
    const text = JSON.stringify(doc.body.paths['/api/products/{id}/publish']);
    for (const field of ['taxonomy_id', 'who_made', 'when_made', 'is_supply', 'tags', 'materials']) expect(text).toContain(`"${field}"`);
  });

  it("When another tenant asks for a seller's product or Etsy listing, then it is not found", async () => {
    const seller = await connectedSeller();
    const other = await connectedSeller();
    const product = await photographedProduct(seller, { title: 'Vintage enamel brooch' });
    await publish(seller, product.id).expect(202);
    const listing = await listingOf(seller, product.id, (l) => l.status === 'active');
    expect((await publish(other, product.id)).status).toBe(404);
    expect((await request(t.app).get(`/api/products/${product.id}/listings`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).post(`/api/listings/${listing.id}/retry`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).delete(`/api/products/${product.id}/listings/etsy`).set(other.auth)).status).toBe(404);
    expect((await request(t.app).get('/api/listings').set(other.auth)).body.items).toEqual([]);
    // Nothing landed in the other seller's Etsy shop.
    expect([...etsy.state.listings.values()].filter((l) => l.shop_id === other.shopId)).toEqual([]);
  });
});

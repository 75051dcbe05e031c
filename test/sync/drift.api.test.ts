/*
 * The periodic full comparison against the eBay and Etsy doubles: a listing ended on eBay's
 * side and one deleted on Etsy are ended here with the marketplace's words; an Etsy delist that
 * did not hold is done again; listings that agree cost one page of Etsy's active listings and
 * change nothing.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startEbayDouble, type EbayDouble } from '../doubles/ebay';
import { startEtsyDouble, type EtsyDouble } from '../doubles/etsy/server';
import { JPEG } from '../products/images';
import { createProduct, type Seller } from '../products/support';
import { startPluginApp, type PluginApp } from '../plugin/support';
import { putOnPlan } from '../support/plans';

const EBAY_CALLBACK = 'https://stoflow.test/api/integrations/ebay/callback';
const ETSY_CALLBACK = 'https://stoflow.test/api/integrations/etsy/callback';

interface Listing {
  marketplace: 'ebay' | 'etsy';
  status: string;
  external: Record<string, string>;
}

describe('The periodic comparison of our listings with the marketplaces', () => {
  let ebay: EbayDouble;
  let etsy: EtsyDouble;
  let t: PluginApp;
  let seller: Seller;

  beforeAll(async () => {
    ebay = await startEbayDouble({
      users: [
        {
          username: 'depot_vente',
          fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
          paymentPolicies: [{ name: 'Paiement géré', marketplaceId: 'EBAY_FR' }],
          returnPolicies: [{ name: '30 jours', marketplaceId: 'EBAY_FR' }],
          locations: [{ merchantLocationKey: 'depot', location: { address: { city: 'Nantes', postalCode: '44000', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Dépôt' }],
        },
      ],
    });
    ebay.setAcceptUrl(ebay.app.ruName, EBAY_CALLBACK, EBAY_CALLBACK);
    etsy = await startEtsyDouble({ users: [{ user_id: 52000201, login_name: 'depot_vente', shop: { shop_id: 62000201, shop_name: 'DepotVente', currency_code: 'EUR', country_iso: 'FR' } }] });
    etsy.addRedirectUri(ETSY_CALLBACK);
    t = await startPluginApp({
      EBAY_CLIENT_ID: ebay.app.clientId,
      EBAY_CLIENT_SECRET: ebay.app.clientSecret,
      EBAY_RU_NAME: ebay.app.ruName,
      EBAY_API_BASE_URL: ebay.baseUrl,
      EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
      ETSY_API_KEY: etsy.app.keystring,
      ETSY_SHARED_SECRET: etsy.app.sharedSecret,
      ETSY_REDIRECT_URI: ETSY_CALLBACK,
      ETSY_API_BASE_URL: etsy.baseUrl,
      ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      PUBLIC_BASE_URL: 'https://stoflow.test',
      // Run by hand below, not by the clock.
      SYNC_COMPARE_MINUTES: '0',
    });
    await t.services.startProcessing();
    const { who } = await t.seller();
    seller = { ...who, auth: { Authorization: `Bearer ${who.accessToken}` } };
    await putOnPlan(t.services, seller.tenantId, 'starter');
    etsy.setConsent({ userId: 52000201 });
    for (const marketplace of ['ebay', 'etsy'] as const) {
      const start = await request(t.app).get(`/api/integrations/${marketplace}/connect`).set(seller.auth);
      const agreed = await fetch(start.body.authorization_url, { redirect: 'manual' });
      const back = new URL(agreed.headers.get('location')!);
      expect((await request(t.app).get(`${back.pathname}${back.search}`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await t.close();
    await ebay.close();
    await etsy.stop();
  });

  async function listings(productId: string, until: (l: Record<string, Listing>) => boolean): Promise<Record<string, Listing>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
      const byMarketplace = Object.fromEntries((res.body.items as Listing[]).map((l) => [l.marketplace, l]));
      if (until(byMarketplace)) return byMarketplace;
      if (Date.now() > deadline) throw new Error(`the listings never got there: ${JSON.stringify(byMarketplace)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function liveOnBoth() {
    const product = await createProduct(t.app, seller, { stock_quantity: 1 });
    await request(t.app).post(`/api/products/${product.id}/images`).set(seller.auth).attach('file', JPEG, 'front.jpg').expect(201);
    await request(t.app)
      .post(`/api/products/${product.id}/publish`)
      .set(seller.auth)
      .send({ marketplaces: ['ebay', 'etsy'], overrides: { ebay: { category_id: '11450' }, etsy: { taxonomy_id: 2044, who_made: 'someone_else', when_made: '1990s' } } })
      .expect(202);
    return { product, live: await listings(product.id, (l) => l.ebay?.status === 'active' && l.etsy?.status === 'active') };
  }

  const listingLog = async (productId: string, marketplace: string) => {
    const res = await request(t.app).get(`/api/products/${productId}/listings`).set(seller.auth);
    const id = (res.body.items as (Listing & { id: string })[]).find((l) => l.marketplace === marketplace)!.id;
    return t.services.eventStore.readStream(seller.tenantId, `listing-${id}`);
  };

  it('When nothing drifted, then nothing changes, and Etsy is asked for one page of active listings', async () => {
    await liveOnBoth();
    await liveOnBoth();
    const before = etsy.requests.length;
    const etsyComparison = await t.services.compareListings(seller.tenantId, 'etsy');
    expect(etsyComparison).toMatchObject({ answered: etsyComparison.compared, corrections: [] });
    expect(etsyComparison.compared).toBeGreaterThanOrEqual(2);
    const calls = etsy.requests.slice(before).filter((r) => r.path.startsWith('/v3/application/'));
    expect(calls.map((r) => `${r.method} ${r.path.replace(/\/\d+/g, '/N')}`)).toEqual(['GET /v3/application/shops/N/listings']);
    const ebayComparison = await t.services.compareListings(seller.tenantId, 'ebay');
    expect(ebayComparison).toMatchObject({ answered: ebayComparison.compared, corrections: [] });
  }, 90_000);

  it('When a listing ends on eBay and another is deleted on Etsy, then both end here with the marketplace’s words, by the comparison', async () => {
    const { product, live } = await liveOnBoth();
    ebay.state.endListing(ebay.state.offers.get(live.ebay!.external.offer_id!)!);
    etsy.state.listings.delete(Number(live.etsy!.external.listing_id));

    const ebayComparison = await t.services.compareListings(seller.tenantId, 'ebay');
    expect(ebayComparison.corrections).toEqual([expect.objectContaining({ kind: 'end_here', applied: true, reason: 'ended on eBay (listingStatus ENDED), found by the periodic comparison' })]);
    const etsyComparison = await t.services.compareListings(seller.tenantId, 'etsy');
    expect(etsyComparison.corrections).toEqual([expect.objectContaining({ kind: 'end_here', applied: true, reason: 'gone from Etsy (listing not found), found by the periodic comparison' })]);

    const after = await listings(product.id, (l) => l.ebay?.status === 'ended_externally' && l.etsy?.status === 'ended_externally');
    expect(after.ebay!.status).toBe('ended_externally');
    const ended = (await listingLog(product.id, 'ebay')).at(-1)!;
    expect(ended).toMatchObject({ type: 'ListingEndedExternally', metadata: { actor: 'comparison:ebay' } });
    // Run again: nothing more to correct.
    expect((await t.services.compareListings(seller.tenantId, 'ebay')).corrections).toEqual([]);
  }, 90_000);

  it('When an Etsy delist did not hold (the listing is active there again), then it is delisted again and ends inactive on Etsy', async () => {
    const { product, live } = await liveOnBoth();
    expect((await request(t.app).delete(`/api/products/${product.id}/listings/etsy`).set(seller.auth)).status).toBeLessThan(300);
    await listings(product.id, (l) => l.etsy?.status === 'delisted');
    const onEtsy = etsy.state.listings.get(Number(live.etsy!.external.listing_id))!;
    expect(onEtsy.state).toBe('inactive');
    onEtsy.state = 'active';

    const comparison = await t.services.compareListings(seller.tenantId, 'etsy');
    expect(comparison.corrections).toEqual([expect.objectContaining({ kind: 'delist_again', applied: true, reason: expect.stringContaining('still live on Etsy (state active)') })]);
    await listings(product.id, (l) => l.etsy?.status === 'delisted' && onEtsy.state === 'inactive');
    const log = await listingLog(product.id, 'etsy');
    expect(log.filter((e) => e.type === 'ListingDelisted')).toHaveLength(2);
    expect(log.find((e) => e.type === 'ListingDelistRequested' && e.metadata.actor === 'comparison:etsy')).toBeDefined();
  }, 90_000);

  it('When Etsy cannot be read, then the comparison fails and nothing is corrected on a guess', async () => {
    await liveOnBoth();
    etsy.faults.next({ kind: 'status', status: 500, method: 'GET', path: /\/shops\/\d+\/listings$/, times: 5 });
    await expect(t.services.compareListings(seller.tenantId, 'etsy')).rejects.toThrow();
    etsy.faults.clear();
  }, 90_000);
});

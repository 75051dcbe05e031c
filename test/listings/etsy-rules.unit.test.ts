import { initialConnection, type ConnectionState } from '../../src/domain/connection/connection';
import { listingDecider, type ListingEvent } from '../../src/domain/listing/listing';
import { etsyVintageWhenMade, etsyWhenMadeValues, publicationProblems, type PublicationCandidate } from '../../src/domain/listing/rules';
import { fold } from '../../src/domain/shared/decider';

const shop: ConnectionState = {
  ...initialConnection,
  status: 'connected',
  account: { id: '11110001', name: 'VintageSingle', shop_id: '22220001' },
  site: 'EUR',
  settings: { shipping_profile_id: '200000000001', return_policy_id: '200000000002', readiness_state_id: '200000000003' },
  options: {
    shipping_profile_id: [{ id: '200000000001', name: 'Standard shipping' }],
    return_policy_id: [{ id: '200000000002', name: 'Returns and exchanges within 30 days' }],
    readiness_state_id: [{ id: '200000000003', name: 'Ready to ship, 1-3 days' }],
  },
};

/** A 1990s jacket someone else made: vintage, as Etsy lists it. */
function given(over: Partial<PublicationCandidate> = {}) {
  const candidate: PublicationCandidate = {
    marketplace: 'etsy',
    product: { status: 'draft', sku: 'JKT-90', title: 'Vintage 90s denim jacket', stock_quantity: 1, images: 1, condition: 'good', category: 'jackets', price_cents: 5900 },
    overrides: { category_id: '2044', who_made: 'someone_else', when_made: '1990s', is_supply: false },
    connection: shop,
    mapped: { condition: null, category: null },
    publicBaseUrl: 'http://localhost:8000',
    year: 2026,
    ...over,
  };
  const problems = publicationProblems(candidate);
  return { problems, fields: problems.map((p) => p.field), candidate };
}
const withOverrides = (overrides: PublicationCandidate['overrides']) => given({ overrides: { category_id: '2044', ...overrides } });

describe('Etsy publication rules', () => {
  it('Given a vintage item with everything Etsy needs, when checked, then there is no problem (no condition mapping, no HTTPS address needed)', () => {
    expect(given().problems).toEqual([]);
  });

  describe("Etsy's seller policy: handmade, vintage or a craft supply", () => {
    it('Given a generic used T-shirt (someone else made it, recently, not a supply), when checked, then overrides.etsy.when_made is refused with the reason', () => {
      const { problems } = withOverrides({ who_made: 'someone_else', when_made: '2020_2026', is_supply: false });
      expect(problems).toEqual([{ field: 'overrides.etsy.when_made', message: expect.stringMatching(/handmade.*vintage items at least 20 years old.*craft supplies.*2006 or earlier.*2020_2026 is not \(Etsy's seller policy\)/) }]);
      expect(withOverrides({ who_made: 'someone_else', when_made: 'made_to_order' }).fields).toEqual(['overrides.etsy.when_made']);
      expect(withOverrides({ who_made: 'someone_else', when_made: '2010_2019' }).fields).toEqual(['overrides.etsy.when_made']);
    });

    it('Given nothing said about who made the item or when, when checked, then both are asked for, with the policy', () => {
      const { problems } = withOverrides({});
      expect(problems.map((p) => p.field)).toEqual(['overrides.etsy.who_made', 'overrides.etsy.when_made']);
      expect(problems[1]!.message).toMatch(/Etsy lists only handmade items/);
      expect(problems[1]!.message).toContain('before_2007');
    });

    it('Given the 20-year line, when checked, then 2000_2006 and before_2007 are vintage in 2026 but 2007_2009 is not (an item of 2007 is 19 years old)', () => {
      expect(withOverrides({ who_made: 'someone_else', when_made: '2000_2006' }).problems).toEqual([]);
      expect(withOverrides({ who_made: 'someone_else', when_made: 'before_2007' }).problems).toEqual([]);
      expect(withOverrides({ who_made: 'someone_else', when_made: 'before_1700' }).problems).toEqual([]);
      expect(withOverrides({ who_made: 'someone_else', when_made: '2007_2009' }).fields).toEqual(['overrides.etsy.when_made']);
    });

    it('Given a handmade item (by the seller or a collective), when checked, then any when_made goes, made to order included', () => {
      expect(withOverrides({ who_made: 'i_did', when_made: 'made_to_order' }).problems).toEqual([]);
      expect(withOverrides({ who_made: 'collective', when_made: '2020_2026' }).problems).toEqual([]);
    });

    it('Given a craft supply someone else made recently, when checked, then it goes', () => {
      expect(withOverrides({ who_made: 'someone_else', when_made: '2020_2026', is_supply: true }).problems).toEqual([]);
    });

    it('Given a when_made of another year, or no value Etsy has, when checked, then it is refused with this year’s values', () => {
      const { problems } = withOverrides({ who_made: 'i_did', when_made: '2020_2025' });
      expect(problems).toEqual([{ field: 'overrides.etsy.when_made', message: expect.stringContaining("is not one of Etsy's values in 2026: made_to_order, 2020_2026, 2010_2019, 2007_2009, before_2007, 2000_2006, 1990s") }]);
      expect(withOverrides({ who_made: 'i_did', when_made: 'yesterday' }).fields).toEqual(['overrides.etsy.when_made']);
    });

    it('Given the year changes, when the values are computed, then they move as Etsy’s do (2025: 2006_2009, before_2006, 2000_2005)', () => {
      expect(etsyWhenMadeValues(2025).slice(0, 6)).toEqual(['made_to_order', '2020_2025', '2010_2019', '2006_2009', 'before_2006', '2000_2005']);
      expect(etsyVintageWhenMade(2025).slice(0, 3)).toEqual(['before_2006', '2000_2005', '1990s']);
      expect(given({ year: 2025, overrides: { category_id: '2044', who_made: 'someone_else', when_made: '2000_2005' } }).problems).toEqual([]);
    });
  });

  describe('Title, tags and materials', () => {
    it('Given a title over 140 characters, when checked, then title is named (or overrides.etsy.title when it is the override)', () => {
      expect(given({ product: { ...given().candidate.product, title: 'x'.repeat(141) } }).fields).toEqual(['title']);
      expect(given({ product: { ...given().candidate.product, title: 'x'.repeat(140) } }).problems).toEqual([]);
      expect(withOverrides({ who_made: 'i_did', when_made: 'made_to_order', title: 'y'.repeat(141) }).fields).toEqual(['overrides.etsy.title']);
    });

    it("Given a title using & twice, or an emoji, when checked, then Etsy's character rules are said", () => {
      expect(given({ product: { ...given().candidate.product, title: 'Salt & pepper & more' } }).problems[0]!.message).toMatch(/& at most once/);
      expect(given({ product: { ...given().candidate.product, title: 'Jacket 🔥' } }).fields).toEqual(['title']);
    });

    it('Given 14 tags, a tag of 21 characters, a tag twice or a tag with a slash, when checked, then overrides.etsy.tags is named each time', () => {
      const tags = (list: string[]) => withOverrides({ who_made: 'i_did', when_made: 'made_to_order', tags: list }).problems;
      expect(tags(Array.from({ length: 13 }, (_, i) => `tag ${i}`))).toEqual([]);
      expect(tags(Array.from({ length: 14 }, (_, i) => `tag ${i}`))).toEqual([{ field: 'overrides.etsy.tags', message: 'Etsy takes at most 13 (there are 14)' }]);
      expect(tags(['a'.repeat(21)])).toEqual([{ field: 'overrides.etsy.tags', message: `"${'a'.repeat(21)}" is longer than 20 characters` }]);
      expect(tags(['denim', 'Denim'])).toEqual([{ field: 'overrides.etsy.tags', message: '"Denim" is there twice' }]);
      expect(tags(['90s/00s'])[0]!.field).toBe('overrides.etsy.tags');
      expect(tags(["levi's", 'mid-century'])).toEqual([]);
    });

    it('Given materials with punctuation or over 45 characters, when checked, then overrides.etsy.materials is named', () => {
      const materials = (list: string[]) => withOverrides({ who_made: 'i_did', when_made: 'made_to_order', materials: list }).fields;
      expect(materials(['cotton', 'brass buttons'])).toEqual([]);
      expect(materials(['cotton, 100%'])).toEqual(['overrides.etsy.materials']);
      expect(materials(['m'.repeat(46)])).toEqual(['overrides.etsy.materials']);
    });
  });

  describe('Taxonomy, settings and the shop', () => {
    it('Given no taxonomy id, or one that is not digits, when checked, then overrides.etsy.taxonomy_id is named', () => {
      expect(given({ overrides: { who_made: 'i_did', when_made: 'made_to_order' } }).fields).toEqual(['overrides.etsy.taxonomy_id']);
      expect(given({ overrides: { category_id: 'jackets', who_made: 'i_did', when_made: 'made_to_order' } }).fields).toEqual(['overrides.etsy.taxonomy_id']);
    });

    it('Given no shipping profile chosen, when checked, then settings.etsy.shipping_profile_id is named; a return policy or processing profile only when the shop has some', () => {
      expect(given({ connection: { ...shop, settings: {} } }).fields).toEqual(['settings.etsy.shipping_profile_id', 'settings.etsy.return_policy_id', 'settings.etsy.readiness_state_id']);
      const bare = { ...shop, settings: { shipping_profile_id: '200000000001' }, options: { shipping_profile_id: shop.options.shipping_profile_id! } };
      expect(given({ connection: bare }).problems).toEqual([]);
    });

    it('Given a shop selling in pounds, when checked, then marketplaces.etsy says prices are in euros', () => {
      expect(given({ connection: { ...shop, site: 'GBP' } }).problems).toEqual([{ field: 'marketplaces.etsy', message: 'prices are in euros, and this Etsy shop sells in GBP' }]);
    });

    it('Given Etsy not connected, when checked, then that alone is said; given no photo, no stock, a price under 0.20 or a long SKU, then each is named', () => {
      expect(given({ connection: initialConnection }).fields).toEqual(['marketplaces.etsy']);
      const product = given().candidate.product;
      expect(given({ product: { ...product, images: 0, stock_quantity: 0 } }).fields).toEqual(['stock_quantity', 'images']);
      expect(given({ product: { ...product, price_cents: 19 } }).fields).toEqual(['price']);
      expect(given({ product: { ...product, stock_quantity: 1000 } }).fields).toEqual(['stock_quantity']);
      expect(given({ product: { ...product, sku: 'S'.repeat(33) } }).fields).toEqual(['sku']);
    });
  });
});

describe('Listing updates that learn ids', () => {
  const at = '2026-12-02T10:00:00.000Z';
  const now = new Date(at);
  const history: ListingEvent[] = [
    { type: 'ListingQueued', data: { listing_id: 'l-1', product_id: 'p-1', marketplace: 'etsy', overrides: { who_made: 'i_did', when_made: 'made_to_order' }, queued_at: at } },
    { type: 'ListingPublishStarted', data: { attempt: 1, started_at: at } },
    { type: 'ListingPublished', data: { external: { listing_id: '1800000001', image_ids: '5500000001', photo_ids: 'a' }, url: 'https://www.etsy.com/listing/1800000001', published_at: at, product_version: 3 } },
  ];

  it('Given an active Etsy listing, when an update uploads a new photo, then ListingUpdated keeps only the ids that changed, and the listing holds them', () => {
    const state = fold(listingDecider, history);
    const events = listingDecider.decide({ type: 'RecordUpdated', productVersion: 4, external: { listing_id: '1800000001', image_ids: '5500000001,5500000002', photo_ids: 'a,b' }, now }, state);
    expect(events).toEqual([{ type: 'ListingUpdated', data: { product_version: 4, updated_at: at, external: { image_ids: '5500000001,5500000002', photo_ids: 'a,b' } } }]);
    expect(fold(listingDecider, [...history, ...events])?.external).toEqual({ listing_id: '1800000001', image_ids: '5500000001,5500000002', photo_ids: 'a,b' });
    expect(listingDecider.decide({ type: 'RecordUpdated', productVersion: 4, now }, state)).toEqual([{ type: 'ListingUpdated', data: { product_version: 4, updated_at: at } }]);
  });
});

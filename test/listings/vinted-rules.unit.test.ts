import { vintedItemOf, vintedPayloadOf, VINTED_PHOTOS_MAX } from '../../src/commands/vinted/listing-tasks';
import { withPhotoLinks } from '../../src/commands/vinted/tasks';
import { vintedProblem } from '../../src/commands/listings/vinted-results';
import { publicationProblems, type PublicationCandidate } from '../../src/domain/listing/rules';
import type { PublicationDraft } from '../../src/shared/marketplace-publisher';

const connected: PublicationCandidate['connection'] = { status: 'connected', account: { id: '123456', name: 'seller_123456' }, scopes: [], site: 'fr', settings: {}, options: {}, notifications: { status: 'pending' } };

function candidate(over: Partial<PublicationCandidate> = {}, product: Partial<PublicationCandidate['product']> = {}): PublicationCandidate {
  return {
    marketplace: 'vinted',
    product: { status: 'active', sku: 'S-1', title: 'Robe en lin', description: 'Portée deux fois.', stock_quantity: 1, images: 2, condition: 'very_good', category: 'women', price_cents: 2500, ...product },
    overrides: {},
    connection: connected,
    mapped: { condition: '2', category: '1904' },
    publicBaseUrl: 'http://localhost:3000',
    year: 2026,
    ...over,
  };
}

const fields = (c: PublicationCandidate) => publicationProblems(c).map((p) => p.field);

describe('Vinted publication rules', () => {
  it('Given a mapped condition and category, a connected member and clean text, then nothing is missing (no https needed: the extension fetches the photos)', () => {
    expect(publicationProblems(candidate())).toEqual([]);
  });

  it('Given a condition Vinted has no grade for, then the condition is named', () => {
    const problems = publicationProblems(candidate({ mapped: { condition: null, category: '1904' } }, { condition: 'for_parts' }));
    expect(problems).toEqual([{ field: 'condition', message: expect.stringContaining('for_parts has no Vinted condition') }]);
  });

  it('Given no category Vinted knows, then the seller is asked for a catalog id; a catalog id must be digits', () => {
    expect(fields(candidate({ mapped: { condition: '2', category: null } }))).toEqual(['overrides.vinted.category_id']);
    expect(fields(candidate({ mapped: { condition: '2', category: null }, overrides: { category_id: '1904' } }))).toEqual([]);
    expect(fields(candidate({ overrides: { category_id: 'robes' } }))).toEqual(['overrides.vinted.category_id']);
  });

  it('Given a web address or an e-mail in the title or description, then that field is named (Vinted hides listings that send buyers elsewhere)', () => {
    expect(fields(candidate({}, { description: 'Plus de photos sur www.example.com' }))).toEqual(['description']);
    expect(fields(candidate({}, { description: 'Écrivez-moi: lea.martin+vinted@example.fr' }))).toEqual(['description']);
    expect(fields(candidate({ overrides: { title: 'Robe https://bit.ly/x' } }))).toEqual(['overrides.vinted.title']);
    expect(fields(candidate({}, { title: 'Robe see https://x.y' }))).toEqual(['title']);
    // An @ in ordinary words is no address.
    expect(fields(candidate({}, { description: 'Taille 38 @ petit prix, envoi rapide.' }))).toEqual([]);
  });

  it('Given Vinted not connected, or no stock, then those are named and nothing else is looked at for Vinted', () => {
    expect(fields(candidate({ connection: { ...connected, status: 'disconnected' } }))).toEqual(['marketplaces.vinted']);
    expect(fields(candidate({}, { stock_quantity: 0 }))).toEqual(['stock_quantity']);
  });
});

const draft: PublicationDraft = {
  sku: 'S-1',
  title: 'Robe en lin',
  description: 'Portée deux fois.',
  price_cents: 2590,
  currency: 'EUR',
  quantity: 1,
  condition: '2',
  category_id: '1904',
  aspects: { Brand: ['Sézane'], Size: ['38'], Colour: ['white'] },
  image_urls: [],
  images: Array.from({ length: 25 }, (_, n) => ({ id: `i${n}`, url: `u${n}`, file: `f${n}.jpg`, content_type: 'image/jpeg' })),
  settings: {},
  site: 'fr',
  account: null,
  who_made: null,
  when_made: null,
  is_supply: false,
  tags: [],
  materials: [],
  color_id: '12',
  package_size: null,
};

describe('The item a Vinted task carries', () => {
  it('Given a draft, then the item speaks Vinted’s upload form: decimal price, status_id, catalog_id, colour ids, at most 20 photos in order', () => {
    const item = vintedItemOf(draft);
    expect(item).toMatchObject({ title: 'Robe en lin', price: '25.90', currency: 'EUR', status_id: '2', catalog_id: '1904', brand: 'Sézane', size: '38', color_ids: ['12'] });
    expect(item.photo_files).toHaveLength(VINTED_PHOTOS_MAX);
    expect(item.photo_files[0]).toBe('f0.jpg');
    expect(vintedItemOf({ ...draft, color_id: null }).color_ids).toEqual([]);
    expect(item.package_size).toBeNull();
    expect(vintedItemOf({ ...draft, package_size: 'large' }).package_size).toBe('large');
  });

  it('Given each kind of step, then publish carries the item, update the item and Vinted’s id, delete only the id', () => {
    const base = { listingId: 'l', key: 'k', draft, external: { item_id: '4001' }, productVersion: 7 };
    expect(vintedPayloadOf({ ...base, kind: 'publish' })).toEqual({ product_version: 7, item: vintedItemOf(draft) });
    expect(vintedPayloadOf({ ...base, kind: 'update' })).toEqual({ product_version: 7, vinted_item_id: '4001', item: vintedItemOf(draft) });
    expect(vintedPayloadOf({ ...base, kind: 'delete', draft: null })).toEqual({ vinted_item_id: '4001' });
  });

  it('Given a stored payload, then a device receives links made now in place of the file names; other payloads pass unchanged', () => {
    const payload = { product_version: 3, item: { title: 'x', photo_files: ['a.jpg', 'b.png'] } };
    expect(withPhotoLinks(payload, (f) => `https://s.test/l/${f}`)).toEqual({ product_version: 3, item: { title: 'x', photo_urls: ['https://s.test/l/a.jpg', 'https://s.test/l/b.png'] } });
    expect(payload.item.photo_files).toEqual(['a.jpg', 'b.png']);
    expect(withPhotoLinks({ vinted_item_id: '1' }, () => 'never')).toEqual({ vinted_item_id: '1' });
  });

  it('Given Vinted’s refusal, then the seller reads Vinted’s own message, with the status as the error id', () => {
    expect(vintedProblem({ ok: false, status: 400, body: '{"code":99,"message":"Prix trop bas"}', retryable: false })).toEqual({
      reason: 'Vinted refused it (400): Prix trop bas',
      errors: [{ id: 'vinted_400', message: 'Prix trop bas' }],
    });
    expect(vintedProblem({ ok: false, body: 'timeout', retryable: false }).errors).toEqual([{ id: 'vinted_refused', message: 'timeout' }]);
    expect(vintedProblem({ ok: false, retryable: false, reason: 'expired', body: 'The task expired before it was performed' })).toEqual({
      reason: 'Vinted: The task expired before it was performed',
      errors: [{ id: 'expired', message: 'The task expired before it was performed' }],
    });
  });
});

import { foreignBrands } from '../../src/domain/ai/brands';
import { cutAtWord, enforceLimits, limitViolations } from '../../src/domain/ai/limits';
import type { GeneratedListing } from '../../src/domain/ai/listing';

const listing = (o: Partial<GeneratedListing> = {}): GeneratedListing => ({ title: 'Robe noire', description: 'Une robe.', tags: [], bullet_points: [], ...o });
const words = (n: number, word = 'word') => Array.from({ length: n }, () => word).join(' ');

describe('Marketplace limits on generated listings', () => {
  it('When a title is longer than eBay takes, then it is cut to 80 characters at a word', () => {
    const out = enforceLimits(listing({ title: words(30, 'robe') }), 'ebay');
    expect(out.title.length).toBeLessThanOrEqual(80);
    expect(out.title).toMatch(/^(robe )*robe$/);
    expect(limitViolations(out, 'ebay')).toEqual([]);
  });

  it('When Etsy is the marketplace, then the title is ≤ 140 and there are at most 13 tags of at most 20 characters', () => {
    const tags = Array.from({ length: 20 }, (_, i) => `tag number ${i} that is far too long`);
    const out = enforceLimits(listing({ title: words(50), tags }), 'etsy');
    expect(out.title.length).toBeLessThanOrEqual(140);
    expect(out.tags).toHaveLength(13);
    for (const t of out.tags) expect(t.length).toBeLessThanOrEqual(20);
    expect(limitViolations(out, 'etsy')).toEqual([]);
    expect(limitViolations(listing({ tags }), 'etsy')).toEqual(['more than 13 tags', 'a tag longer than 20']);
  });

  it('When a description is longer than Vinted takes, then it is cut to 2,000 characters ending with an ellipsis', () => {
    const out = enforceLimits(listing({ description: words(600) }), 'vinted');
    expect(out.description.length).toBeLessThanOrEqual(2000);
    expect(out.description.endsWith('word…')).toBe(true);
  });

  it('When tags repeat in another case, then each is kept once', () => {
    expect(enforceLimits(listing({ tags: ['Robe', 'robe', ' noir ', ''] }), null).tags).toEqual(['Robe', 'noir']);
  });

  it('When the text fits, then it is left as it is', () => {
    expect(cutAtWord('Robe noire Zara', 80)).toBe('Robe noire Zara');
    expect(cutAtWord('Robe noire – Zara', 13)).toBe('Robe noire');
  });
});

describe('The no-invented-brand check', () => {
  const known = ['Zara', 'Nike', 'adidas', "Levi's", 'Next', 'Gap', 'H&M', 'Tommy Hilfiger'];

  it('When the listing names only the product’s brand, then nothing is found', () => {
    expect(foreignBrands(listing({ title: 'Robe noire Zara', description: 'Robe Zara, taille M.' }), 'Zara', known)).toEqual([]);
  });

  it('When the listing names another brand, in any case, then it is found', () => {
    expect(foreignBrands(listing({ description: 'Style NIKE, comme une paire Adidas.' }), 'Zara', known)).toEqual(['Nike', 'adidas']);
    expect(foreignBrands(listing({ tags: ["levi's"] }), null, known)).toEqual(["Levi's"]);
    expect(foreignBrands(listing({ title: 'Top façon H&M' }), null, known)).toEqual(['H&M']);
  });

  it('When a brand is an everyday word, then only the brand as spelled, mid-sentence, counts', () => {
    expect(foreignBrands(listing({ description: 'Next day delivery. Mind the gap.' }), 'Zara', known)).toEqual([]);
    expect(foreignBrands(listing({ description: 'A dress from Next in good condition.' }), 'Zara', known)).toEqual(['Next']);
  });

  it('When a brand is only part of a word, then it is not found', () => {
    expect(foreignBrands(listing({ description: 'Zarafa nikel' }), null, known)).toEqual([]);
  });
});

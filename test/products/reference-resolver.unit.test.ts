import { closestCodes, referenceKey } from '../../src/catalogue/reference-resolver';

describe('referenceKey', () => {
  it.each([
    ['M', 'm'],
    ['  EU 38 ', 'eu-38'],
    ['eu_38', 'eu-38'],
    ['Very good', 'very-good'],
    ['very_good', 'very-good'],
    ['Très bon état', 'tres-bon-etat'],
    ['T-Shirts', 't-shirts'],
    ['Levi’s', "levi's"],
    ['Levi‘s', "levi's"],
    ["Levi's", "levi's"],
  ])('When %p is compared, then its key is %p', (value, key) => {
    expect(referenceKey(value)).toBe(key);
  });
});

describe('closestCodes', () => {
  const vocabulary = {
    byCode: new Map([
      ['xl', 'xl'],
      ['xxl', 'xxl'],
      ['m', 'm'],
    ]),
    byLabel: new Map<string, string[]>(),
    keys: [
      { key: 'xl', code: 'xl' },
      { key: 'xxl', code: 'xxl' },
      { key: 'm', code: 'm' },
    ],
  };

  it('When a value is a letter or two away, then the nearest codes come first', () => {
    expect(closestCodes(vocabulary, 'xxxl')).toEqual(['xxl', 'xl']);
  });

  it('When nothing is close, then nothing is suggested', () => {
    expect(closestCodes(vocabulary, 'ultraviolet')).toEqual([]);
  });
});

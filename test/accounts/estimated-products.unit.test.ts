import { bandOf, estimatedProductsInput, PRODUCT_BANDS } from '../../src/accounts/estimated-products';

describe('estimated products bands', () => {
  it.each([
    [0, '0_50'],
    [49, '0_50'],
    [50, '50_100'],
    [99, '50_100'],
    [100, '100_500'],
    [499, '100_500'],
    [500, '500_1000'],
    [999, '500_1000'],
    [1000, '1000_plus'],
    [Number.MAX_SAFE_INTEGER, '1000_plus'],
  ])('When the count is %i, then the band is %s (lower bound in, upper bound out)', (count, band) => {
    expect(bandOf(count)).toBe(band);
  });

  it('When the count is negative, then there is no band', () => {
    expect(() => bandOf(-1)).toThrow(RangeError);
  });

  it('When the field is parsed, then bands stay, counts become bands, and anything else fails with the bands listed', () => {
    for (const band of PRODUCT_BANDS) expect(estimatedProductsInput.parse(band)).toBe(band);
    expect(estimatedProductsInput.parse(120)).toBe('100_500');
    const failed = estimatedProductsInput.safeParse('a few');
    expect(failed.success).toBe(false);
    expect(failed.error!.issues).toHaveLength(1);
    expect(failed.error!.issues[0]!.message).toBe('must be one of 0_50, 50_100, 100_500, 500_1000, 1000_plus, or a whole number of products (0 or more)');
  });
});

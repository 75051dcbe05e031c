/**
 * How many products a seller expects to list, as a size band. Sign-up forms offer the bands;
 * older clients sent a plain count, which is still accepted and filed under its band, so the
 * tenant row only ever holds one of these codes (a check constraint on the column says the same).
 *
 * Each band's lower bound is included and its upper bound excluded: 0–49 → `0_50`, 50–99 →
 * `50_100`, 100–499 → `100_500`, 500–999 → `500_1000`, 1000 and more → `1000_plus`.
 */
import { z } from 'zod';

export const PRODUCT_BANDS = ['0_50', '50_100', '100_500', '500_1000', '1000_plus'] as const;

export type ProductBand = (typeof PRODUCT_BANDS)[number];

/** Lower bounds, largest first: the first one a count reaches is its band. */
const LOWER_BOUNDS: readonly [number, ProductBand][] = [
  [1000, '1000_plus'],
  [500, '500_1000'],
  [100, '100_500'],
  [50, '50_100'],
  [0, '0_50'],
];

export function bandOf(count: number): ProductBand {
  for (const [from, band] of LOWER_BOUNDS) if (count >= from) return band;
  throw new RangeError(`a product count is 0 or more, got ${count}`);
}

const ACCEPTED = `must be one of ${PRODUCT_BANDS.join(', ')}, or a whole number of products (0 or more)`;

/** The request field: a band, or a count that becomes its band. */
export const estimatedProductsInput = z
  .union([z.enum(PRODUCT_BANDS), z.number().int().min(0).transform(bandOf)], { error: () => ACCEPTED })
  .describe(
    `Expected catalogue size: one of ${PRODUCT_BANDS.join(', ')}. A whole number is also accepted and stored as its band: ` +
      '0–49 → 0_50, 50–99 → 50_100, 100–499 → 100_500, 500–999 → 500_1000, 1000 or more → 1000_plus.',
  );

/** The stored band, as answered by `GET /api/auth/me`. */
export const estimatedProductsOutput = z.enum(PRODUCT_BANDS).nullable().describe(`One of ${PRODUCT_BANDS.join(', ')}, or null when not given`);

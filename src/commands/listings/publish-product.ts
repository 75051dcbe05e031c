/*
 * PublishProduct: one product to several marketplaces in one call. Everything is checked first,
 * for every marketplace at once (the answer names each missing piece, field by field); only then
 * are the listings queued, all in one append (they stand or fall together). The publishing
 * reactor carries them out; the answer is 202 with one listing per marketplace.
 */
import { z } from 'zod';
import { MARKETPLACES, type Marketplace } from '../../domain/connection/connection';
import { listingDecider, listingStream, type ListingEvent, type ListingOverrides } from '../../domain/listing/listing';
import { ETSY_WHO_MADE, publicationProblems } from '../../domain/listing/rules';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../../shared/errors';
import { runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productIdOf } from '../products/deps';
import { productIdParams } from '../products/params';
import type { PublishDeps } from './deps';
import { listingIdOf, loadConnection, loadListing, loadProduct } from './load';

const common = {
  title: z.string().trim().min(1).max(200).optional().describe('The title on this marketplace only'),
  price: z.number().positive().max(99_999.99).optional().describe('Euros, on this marketplace only'),
};

const override = z
  .object({
    ...common,
    category_id: z.string().trim().min(1).max(20).optional().describe("The marketplace's own category id"),
  })
  .strict();

// Loose bounds only: Etsy's own limits are checked with everything else, and answered 422 field by field.
const words = z.array(z.string().trim().max(100)).max(50);

const etsyOverride = z
  .object({
    ...common,
    taxonomy_id: z
      .union([z.number().int().positive(), z.string().trim().min(1).max(20)])
      .transform(String)
      .optional()
      .describe("Etsy's seller taxonomy id for the item (required)"),
    who_made: z.enum(ETSY_WHO_MADE).optional().describe('Who made it: i_did, collective (handmade) or someone_else (vintage or a supply only); required'),
    when_made: z.string().trim().min(1).max(20).optional().describe("When it was made, as Etsy says it: made_to_order, 2020_2026, 2010_2019, 2007_2009, before_2007, 2000_2006, 1990s… before_1700 (the values move each year); required"),
    is_supply: z.boolean().optional().describe('A craft supply or tool rather than a finished item (default false)'),
    tags: words.optional().describe('Search tags: at most 13, each at most 20 characters'),
    materials: words.optional().describe('Materials: at most 13, each at most 45 characters'),
  })
  .strict();

const vintedOverride = override
  .extend({
    package_size: z
      .enum(['small', 'medium', 'large', 'extra_large'])
      .optional()
      .describe("The parcel size Vinted shows buyers; without it the extension keeps the one Vinted suggests for the catalog"),
  })
  .strict();

export const publishBody = z
  .object({
    marketplaces: z.array(z.enum(MARKETPLACES)).min(1).max(MARKETPLACES.length).describe('ebay, etsy, vinted'),
    overrides: z.object({ ebay: override.optional(), etsy: etsyOverride.optional(), vinted: vintedOverride.optional() }).strict().optional(),
  })
  .strict();

type GivenOverride = z.output<typeof override> & Partial<Omit<z.output<typeof etsyOverride>, 'title' | 'price'>> & Partial<Pick<z.output<typeof vintedOverride>, 'package_size'>>;

/** The seller's overrides as the listing keeps them (an Etsy taxonomy id is its category id). */
function overridesOf(given: GivenOverride): ListingOverrides {
  const category = given.category_id ?? given.taxonomy_id;
  return {
    ...(given.title !== undefined ? { title: given.title } : {}),
    ...(given.price !== undefined ? { price_cents: Math.round(given.price * 100) } : {}),
    ...(category !== undefined ? { category_id: category } : {}),
    ...(given.who_made !== undefined ? { who_made: given.who_made } : {}),
    ...(given.when_made !== undefined ? { when_made: given.when_made } : {}),
    ...(given.is_supply !== undefined ? { is_supply: given.is_supply } : {}),
    ...(given.tags !== undefined ? { tags: given.tags } : {}),
    ...(given.materials !== undefined ? { materials: given.materials } : {}),
    ...(given.package_size !== undefined ? { package_size: given.package_size } : {}),
  };
}

export type PublishInput = z.output<typeof publishBody> & { product_id: string };

export interface QueuedListing {
  id: string;
  marketplace: Marketplace;
  status: 'queued';
}

export async function publishProduct(deps: PublishDeps, tenant: number, input: PublishInput, metadata: CommandMetadata): Promise<{ product_id: string; listings: QueuedListing[] }> {
  const productId = productIdOf(input.product_id);
  const { state: product } = await loadProduct(deps.store, tenant, productId);
  if (!product) throw new NotFoundError('Product not found', 'product_not_found');
  const marketplaces = [...new Set(input.marketplaces)];

  const problems: FieldProblem[] = [];
  const plans: { marketplace: Marketplace; listingId: string; events: ListingEvent[]; expected: number }[] = [];
  for (const marketplace of marketplaces) {
    const overrides = overridesOf((input.overrides?.[marketplace] ?? {}) as GivenOverride);
    const { state: connection } = await loadConnection(deps.store, tenant, marketplace);
    const { condition, category } = product.details as { condition?: string | null; category?: string | null };
    const mapped = {
      condition: condition ? await deps.mapping(marketplace, 'condition', condition) : null,
      category: category ? await deps.mapping(marketplace, 'category', category) : null,
    };
    const found = publicationProblems({
        marketplace,
        product: { status: product.status, sku: product.sku, title: product.details.title, description: product.details.description ?? '', stock_quantity: product.stock_quantity, images: product.images.length, condition: condition ?? null, category: category ?? null, price_cents: overrides.price_cents ?? product.price_cents },
        overrides,
        connection,
        mapped,
        publicBaseUrl: deps.publicBaseUrl,
        year: deps.clock.now().getUTCFullYear(),
    });
    problems.push(...found);
    // Everything else in order: whether the marketplace takes this condition in this category.
    const categoryId = overrides.category_id ?? mapped.category;
    if (found.length === 0 && deps.conditionRefusal && connection.site && categoryId && mapped.condition) {
      const refusal = await deps.conditionRefusal(tenant, marketplace, connection.site, categoryId, mapped.condition);
      if (refusal) problems.push({ field: 'condition', message: refusal });
    }
    const listingId = listingIdOf(tenant, productId, marketplace);
    const { state, version } = await loadListing(deps.store, tenant, listingId);
    try {
      const events = listingDecider.decide({ type: 'QueueListing', listingId, productId, marketplace, overrides, now: deps.clock.now() }, state);
      plans.push({ marketplace, listingId, events, expected: version });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      problems.push({ field: `marketplaces.${marketplace}`, message: err.message });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems, true, 'The product cannot be published as it is');

  const [first, ...rest] = plans;
  await runCommand(
    deps,
    tenant,
    {
      stream: listingStream(first!.listingId),
      decider: listingDecider,
      command: { type: 'QueueListing', listingId: first!.listingId, productId, marketplace: first!.marketplace, overrides: (first!.events[0]!.data as { overrides: ListingOverrides }).overrides, now: deps.clock.now() },
      // The others go in the same append: all queued, or none.
      alongside: () => rest.map((p) => ({ stream: listingStream(p.listingId), events: p.events, expected: p.expected })),
    },
    { ...metadata, expectedVersion: undefined },
  );
  return { product_id: productId, listings: plans.map((p) => ({ id: p.listingId, marketplace: p.marketplace, status: 'queued' as const })) };
}

/** POST /api/products/{id}/publish */
export function publishProductRoute(deps: PublishDeps) {
  return commandRoute({
    method: 'post',
    path: '/api/products/{id}/publish',
    summary: 'Publish a product to one or more connected marketplaces',
    tags: ['Listings'],
    params: productIdParams,
    body: publishBody,
    responses: {
      202: { description: 'Queued: one listing per marketplace; follow them with GET /api/products/{id}/listings' },
      404: { description: 'No such product' },
      422: { description: 'Something is missing for a marketplace (each problem names the marketplace and the field)' },
    },
    handle: async ({ params, body, auth }, metadata) => ({ status: 202, body: await publishProduct(deps, auth.tenantId, { ...body, product_id: params.id }, metadata) }),
  });
}

/* GET /api/listings and GET /api/products/{id}/listings: the listings read model. */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';
import { NotFoundError } from '../../shared/errors';
import { LISTING_STATUSES as STATUSES, type ListingStatus } from '../../shared/listing-statuses';

const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;

export const listingSchema = z.object({
  id: z.string(),
  product_id: z.string(),
  marketplace: z.enum(MARKETPLACES),
  status: z
    .enum(STATUSES)
    .describe(
      'queued, publishing, active, updating (a product change is being sent), delisting, delisted, failed; sold_here (it sold on this marketplace), ended_externally (ended on the marketplace), disconnected (the marketplace was disconnected; kept as history)',
    ),
  url: z.string().nullable().describe('The listing on the marketplace, while live (kept when disconnected: it may still be live there)'),
  external: z.record(z.string(), z.string()).describe("The marketplace's own ids (eBay offer_id and listing_id)"),
  overrides: z.record(z.string(), z.unknown()),
  attempts: z.number().int(),
  last_error: z
    .object({ reason: z.string(), errors: z.array(z.object({ id: z.string(), message: z.string() })), retryable: z.boolean(), next_retry_at: z.string().nullable() })
    .nullable(),
  queued_at: z.string(),
  published_at: z.string().nullable(),
  updated_at: z.string(),
  version: z.number().int(),
});
export type ListingDto = z.infer<typeof listingSchema>;

interface Row extends Omit<ListingDto, 'queued_at' | 'published_at' | 'updated_at'> {
  queued_at: Date;
  published_at: Date | null;
  updated_at: Date;
}

const COLUMNS = 'id, product_id, marketplace, status, url, external, overrides, attempts, last_error, queued_at, published_at, updated_at, version';
const toDto = (r: Row): ListingDto => ({ ...r, queued_at: r.queued_at.toISOString(), published_at: r.published_at?.toISOString() ?? null, updated_at: r.updated_at.toISOString() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const listListingsQuery = z
  .object({
    marketplace: z.enum(MARKETPLACES).optional(),
    status: z.enum(STATUSES).optional(),
    state: z.enum(STATUSES).optional().describe('The same filter as status, by the name the product spec gives it'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.status !== undefined && v.state !== undefined && v.status !== v.state) ctx.addIssue({ code: 'custom', path: ['state'], message: 'must be the same as status when both are given' });
  });

export async function listListings({ db, tenancy }: TenantDb, tenant: number, q: z.output<typeof listListingsQuery>) {
  const { rows } = await db.of(tenant).query<Row & { total: number }>(
    `select ${COLUMNS}, count(*) over ()::int as total from ${tenancy.table(tenant, 'listings')}
      where ($1::text is null or marketplace = $1) and ($2::text is null or status = $2)
      order by updated_at desc, id limit $3 offset $4`,
    [q.marketplace ?? null, q.state ?? q.status ?? null, q.limit, q.offset],
  );
  return { items: rows.map(({ total: _t, ...r }) => toDto(r)), total: rows[0]?.total ?? 0, limit: q.limit, offset: q.offset };
}

export async function productListings({ db, tenancy }: TenantDb, tenant: number, productId: string): Promise<ListingDto[]> {
  if (!UUID.test(productId)) throw new NotFoundError('Product not found', 'product_not_found');
  const product = await db.of(tenant).query(`select 1 from ${tenancy.table(tenant, 'products')} where id = $1`, [productId.toLowerCase()]);
  if (product.rowCount === 0) throw new NotFoundError('Product not found', 'product_not_found');
  const { rows } = await db.of(tenant).query<Row>(`select ${COLUMNS} from ${tenancy.table(tenant, 'listings')} where product_id = $1 order by marketplace`, [productId.toLowerCase()]);
  return rows.map(toDto);
}

export function listingRoutes(deps: TenantDb) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/listings',
      summary: 'Every listing, newest change first (filter by marketplace and status, or state)',
      tags: ['Listings'],
      query: listListingsQuery,
      responses: { 200: { description: 'A page of listings', schema: z.object({ items: z.array(listingSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }) } },
      handle: async ({ auth, query }) => ({ status: 200, body: await listListings(deps, auth.tenantId, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/products/{id}/listings',
      summary: "A product's listings, one per marketplace",
      tags: ['Listings'],
      params: z.object({ id: z.string().describe('Product id (uuid)') }).strict(),
      responses: { 200: { description: 'The listings', schema: z.object({ items: z.array(listingSchema) }) }, 404: { description: 'No such product' } },
      handle: async ({ auth, params }) => ({ status: 200, body: { items: await productListings(deps, auth.tenantId, params.id) } }),
    }),
  ];
}

/** Where a listing keeps the marketplace's own id of it (ExternalIds of src/domain/listing/listing.ts). */
const EXTERNAL_LISTING_KEY: Record<(typeof MARKETPLACES)[number], string> = { ebay: 'listing_id', etsy: 'listing_id', vinted: 'item_id' };

/**
 * The product a marketplace's listing shows, found by the marketplace's id of it, for sync of
 * marketplaces whose orders carry no SKU (Vinted). The listings read model is written in the
 * append's own transaction with the PostgreSQL log: a listing just published is there.
 */
export async function productOfMarketplaceListing({ db, tenancy }: TenantDb, tenant: number, marketplace: (typeof MARKETPLACES)[number], listingId: string): Promise<string | null> {
  const { rows } = await db
    .of(tenant)
    .query<{ product_id: string }>(`select product_id from ${tenancy.table(tenant, 'listings')} where marketplace = $1 and external ->> $2 = $3 order by updated_at desc limit 1`, [
      marketplace,
      EXTERNAL_LISTING_KEY[marketplace],
      listingId,
    ]);
  return rows[0]?.product_id ?? null;
}

/**
 * The listings the periodic comparison asks a marketplace about: the live ones, and those
 * Stoflow delisted in the last 30 days (a delist that did not hold still sells), each with
 * whether its product can still be sold; only those whose id there is among `externalIds` when
 * given. Oldest first, at most 10,000 a run.
 */
export async function listingsToCompare({ db, tenancy }: TenantDb, tenant: number, marketplace: (typeof MARKETPLACES)[number], externalIds?: readonly string[]) {
  const { rows } = await db.of(tenant).query<{ id: string; product_id: string; status: ListingStatus; external: Record<string, string>; version: number; sellable: boolean }>(
    `select l.id, l.product_id, l.status, l.external, l.version,
            coalesce(p.stock_quantity > 0 and p.status not in ('sold', 'archived'), false) as sellable
       from ${tenancy.table(tenant, 'listings')} l
       left join ${tenancy.table(tenant, 'products')} p on p.id = l.product_id
      where l.marketplace = $1 and (l.status = 'active' or (l.status = 'delisted' and l.updated_at > now() - interval '30 days'))
        and ($2::text[] is null or l.external ->> $3 = any($2::text[]))
      order by l.queued_at, l.id
      limit 10000`,
    [marketplace, externalIds ? [...externalIds] : null, EXTERNAL_LISTING_KEY[marketplace]],
  );
  return rows.map((r) => ({ listingId: r.id, productId: r.product_id, status: r.status, external: r.external, version: r.version, sellable: r.sellable }));
}

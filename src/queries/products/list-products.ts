import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { Queryable } from '../../infra/db/postgres';
import type { TenantDb } from '../../infra/db/tenancy';
import { ValidationError } from '../../shared/errors';
import { PRODUCT_STATUSES, productSchema } from '../../shared/product-fields';
import { hasLiveListing, publishedCount, shownRepresentation } from './published';

const STATUSES = PRODUCT_STATUSES;
type Status = (typeof STATUSES)[number];

const SORTS = {
  created_at: 'created_at asc, id asc',
  '-created_at': 'created_at desc, id desc',
  price: 'price_cents asc, id asc',
  '-price': 'price_cents desc, id desc',
  title: 'title asc, id asc',
  '-title': 'title desc, id desc',
} as const;
type Sort = keyof typeof SORTS;

const amount = z.coerce.number().min(0).max(99_999.99);

export const listProductsQuery = z
  .object({
    status: z
      .string()
      .optional()
      .describe(`Comma-separated: ${STATUSES.join(', ')} (default: everything but archived)`)
      .superRefine((value, ctx) => {
        const unknown = (value ?? STATUSES[0]).split(',').filter((s) => !(STATUSES as readonly string[]).includes(s));
        if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `must be among ${STATUSES.join(', ')}` });
      })
      .transform((value) => (value === undefined ? undefined : ([...new Set(value.split(','))] as Status[]))),
    category: z.string().min(1).max(100).optional().describe('Category slug: the category and everything under it'),
    brand: z.string().trim().min(1).max(100).optional().describe('Brand name, any case'),
    q: z.string().max(200).optional().describe('Words to find in the title, description or SKU (prefixes match)'),
    min_price: amount.optional().describe('Lowest price in euros'),
    max_price: amount.optional().describe('Highest price in euros'),
    sort: z.enum(Object.keys(SORTS) as [Sort, ...Sort[]]).default('-created_at').describe('created_at, price or title; "-" for descending'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.min_price !== undefined && v.max_price !== undefined && v.min_price > v.max_price) {
      ctx.addIssue({ code: 'custom', path: ['min_price'], message: 'must not be above max_price' });
    }
  });

export type ListProductsQuery = z.output<typeof listProductsQuery>;

export const productPageSchema = z.object({
  items: z.array(productSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

/** "blue deni" → `'blue':* & 'deni':*` — letters and digits only, so nothing needs quoting. */
function prefixQuery(q: string): string | null {
  const words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 10);
  return words.length === 0 ? null : words.map((w) => `'${w}':*`).join(' & ');
}

async function categoryPath(db: Queryable, slug: string): Promise<string> {
  const { rows } = await db.query<{ path: string }>('select path from public.categories where slug = $1', [slug]);
  if (!rows[0]) throw new ValidationError([{ field: 'category', message: 'is not a known category' }]);
  return rows[0].path;
}

/**
 * Which rows the statuses select. `published` and `draft` are both stored as `draft`: a live
 * listing tells them apart (src/queries/products/published.ts), and asking for both is asking
 * for every draft.
 */
function statusFilter(statuses: Status[] | undefined, param: (value: unknown) => string, live: string): string {
  if (statuses === undefined) return `status <> 'archived'`;
  const draft = statuses.includes('draft');
  const published = statuses.includes('published');
  const stored: Status[] = statuses.filter((s) => s !== 'draft' && s !== 'published');
  const parts: string[] = [];
  if (draft && published) stored.push('draft');
  else if (draft) parts.push(`(status = 'draft' and not ${live})`);
  else if (published) parts.push(`(status = 'draft' and ${live})`);
  // One status compares with `=`, so its (status, sort key) index also gives the order.
  if (stored.length === 1) parts.unshift(`status = ${param(stored[0])}`);
  else if (stored.length > 1) parts.unshift(`status = any(${param(stored)}::text[])`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
}

/** The total from the per-status counts: drafts are one count there, published or not. */
function countedTotal(counts: string, statuses: Status[] | undefined, param: (value: unknown) => string, published: string): string {
  if (statuses === undefined) return `select coalesce(sum(n), 0)::bigint from ${counts} where status <> 'archived'`;
  const draft = statuses.includes('draft');
  const live = statuses.includes('published');
  const stored = statuses.filter((s) => s !== 'published');
  const sum = `(select coalesce(sum(n), 0)::bigint from ${counts} where status = any(${param(stored)}::text[]))`;
  if (draft && !live) return `select ${sum} - ${published}`;
  if (live && !draft) return `select ${sum} + ${published}`;
  return `select ${sum}`;
}

/**
 * A page of the tenant's products as JSON text, built by PostgreSQL. With no filter but the
 * status, the total comes from the per-status counts (published drafts counted from their live
 * listings); any other filter counts the matching rows.
 */
export async function listProductsJson({ db: pools, tenancy }: TenantDb, tenantId: number, query: ListProductsQuery): Promise<string> {
  const db = pools.of(tenantId);
  const products = tenancy.table(tenantId, 'products');
  const listings = tenancy.table(tenantId, 'listings');
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const byStatus = statusFilter(query.status, param, hasLiveListing(listings, 'p.id'));
  const where = [byStatus];
  let narrowed = false;
  if (query.category !== undefined) {
    const path = param(await categoryPath(db, query.category));
    where.push(`category in (select c.slug from public.categories c where c.path = ${path} or c.path like ${path} || '.%')`);
    narrowed = true;
  }
  if (query.brand !== undefined) {
    where.push(`lower(brand) = lower(${param(query.brand)})`);
    narrowed = true;
  }
  const words = query.q === undefined ? null : prefixQuery(query.q);
  if (words !== null) {
    where.push(`search @@ to_tsquery('simple', ${param(words)})`);
    narrowed = true;
  }
  if (query.min_price !== undefined) {
    where.push(`price_cents >= ${param(Math.ceil(query.min_price * 100 - 1e-6))}`);
    narrowed = true;
  }
  if (query.max_price !== undefined) {
    where.push(`price_cents <= ${param(Math.floor(query.max_price * 100 + 1e-6))}`);
    narrowed = true;
  }
  const filter = where.join(' and ');
  const order = SORTS[query.sort];
  const total = narrowed ? `select count(*) from ${products} p where ${filter}` : countedTotal(tenancy.table(tenantId, 'product_counts'), query.status, param, publishedCount(products, listings));
  // The stored representations, joined as they are (a published draft's status said in place): nothing is parsed or re-serialized.
  const { rows } = await db.query<{ page: string }>(
    `select '{"items":[' || coalesce((select string_agg(x.representation, ',' order by ${order.replace(/(\w+) (asc|desc)/g, 'x.$1 $2')})
                                        from (select ${shownRepresentation('p', listings)} as representation, id, created_at, price_cents, title from ${products} p
                                               where ${filter} order by ${order}
                                               limit ${param(query.limit)} offset ${param(query.offset)}) x), '')
            || '],"total":' || (${total}) || ',"limit":' || ${param(query.limit)}::int || ',"offset":' || ${param(query.offset)}::int || '}' as page`,
    params,
  );
  return rows[0]!.page;
}

/** GET /api/products */
export function listProductsRoute(deps: TenantDb) {
  return defineRoute({
    method: 'get',
    path: '/api/products',
    summary: 'A page of products, filtered and sorted',
    tags: ['Products'],
    query: listProductsQuery,
    responses: {
      200: { description: 'The page and the total number of matching products', schema: productPageSchema },
      400: { description: 'A filter value is not valid (each one is named)' },
    },
    handle: async ({ query, auth, res }) => {
      res.status(200).type('application/json').send(await listProductsJson(deps, auth.tenantId, query));
      return undefined;
    },
  });
}

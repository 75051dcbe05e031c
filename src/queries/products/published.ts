/*
 * `published` is a fact of the read side: a draft product (neither sold nor archived) with at
 * least one listing live on a marketplace (active, or being updated) is shown `published`. The
 * listings read model says so when a product is read, through its index of live listings
 * (tenant migration 0014). Nothing is written to the product: its stream, its version and so its
 * ETag stay as its own events left them, and rebuilding either read model changes nothing here.
 */
import type { TenantDb } from '../../infra/db/tenancy';
import { LIVE_LISTING_STATUSES } from '../../shared/listing-statuses';

// Literals rather than a parameter: the partial index's own predicate, which the planner must see.
const LIVE = `(${LIVE_LISTING_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** True for a product (by its id column, e.g. `p.id`) with a live listing. */
export function hasLiveListing(listings: string, productId: string): string {
  return `exists (select 1 from ${listings} l where l.product_id = ${productId} and l.status in ${LIVE})`;
}

/**
 * The stored representation, saying `published` when the product is. `"status":"draft"` occurs
 * once in that text, as the product's own key: no other object in it has a status, and quotes
 * inside JSON strings are escaped, so no title or description can hold it.
 */
export function shownRepresentation(products: string, listings: string): string {
  return `case when ${products}.status = 'draft' and ${hasLiveListing(listings, `${products}.id`)}
            then replace(${products}.representation, '"status":"draft"', '"status":"published"')
            else ${products}.representation end`;
}

/** How many drafts are published: counted from the live listings, not from the drafts. */
export function publishedCount(products: string, listings: string): string {
  return `(select count(distinct l.product_id) from ${listings} l
            where l.status in ${LIVE} and exists (select 1 from ${products} d where d.id = l.product_id and d.status = 'draft'))`;
}

/** Whether one product has a live listing now (a command's reply says `published` as GET does). */
export async function isPublished({ db, tenancy }: TenantDb, tenant: number, productId: string): Promise<boolean> {
  const { rows } = await db.of(tenant).query<{ live: boolean }>(`select ${hasLiveListing(tenancy.table(tenant, 'listings'), '$1::uuid')} as live`, [productId]);
  return rows[0]?.live === true;
}

import type { Request } from 'express';
import type { ReferenceFacts } from '../domain/product/decider';
import type { EventMetadata } from '../eventstore/types';
import type { AuthContext, Reply } from '../http/route';
import type { Queryable } from '../infra/db/postgres';
import { findCustomBrand } from '../queries/attributes';
import { findProduct, getProduct } from '../queries/get-product';
import { etagOf, isProductId } from '../queries/product-representation';
import { resolveReferences, type ReferenceInput } from '../queries/reference-data';
import { ConcurrencyError, NotFoundError, PreconditionRequiredError } from '../shared/errors';

/** What every product command shares: who acts, the facts it needs, If-Match, the answer. */

export function requestMetadata(auth: AuthContext, requestId: string, req: Request): EventMetadata {
  const correlation = req.header('x-correlation-id');
  return {
    actor: auth.userId,
    request_id: requestId,
    correlation_id: correlation && /^[A-Za-z0-9._:-]{1,128}$/.test(correlation) ? correlation : requestId,
  };
}

/** Looks up, in one round trip (two for a brand of the tenant's own), what the decider cannot know. */
export async function referenceFacts(db: Queryable, tenantId: number, input: ReferenceInput): Promise<ReferenceFacts> {
  const present = Object.values(input).some((v) => v !== undefined && v !== null);
  if (!present) return {};
  const resolved = await resolveReferences(db, input);
  const unknown = (field: string) => resolved.problems.some((p) => p.field === field);
  const category = resolved.problems.find((p) => p.field === 'category');
  let brand = resolved.brand;
  if (brand === null && input.brand) brand = await findCustomBrand(db, tenantId, input.brand);
  return {
    category: category === undefined ? 'leaf' : category.reason === 'not_leaf' ? 'branch' : 'unknown',
    brand,
    size: !unknown('size'),
    color: !unknown('color'),
    gender: !unknown('gender'),
    condition: !unknown('condition'),
  };
}

/** Anything but a uuid names no product: answered like an unknown id, before any work. */
export function assertProductId(id: string): string {
  if (!isProductId(id)) throw new NotFoundError('Product not found', 'product_not_found');
  return id.toLowerCase();
}

/** `"7"`, `W/"7"` or `7` → 7; `*` → any version (undefined); anything else matches no version. */
export function parseIfMatch(header: string | undefined): number | undefined | null {
  if (header === undefined) return null;
  const first = header.split(',')[0]!.trim();
  if (first === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(first);
  return match ? Number(match[1]) : -1;
}

/**
 * The version an edit must apply to. A missing If-Match is refused (428), after making sure the
 * product exists: an unknown or another tenant's id always answers 404 first.
 */
export async function requiredIfMatch(db: Queryable, tenantId: number, productId: string, req: Request): Promise<number | undefined> {
  assertProductId(productId);
  const version = parseIfMatch(req.header('if-match'));
  if (version !== null) return version;
  await getProduct(db, tenantId, productId);
  throw new PreconditionRequiredError('Send If-Match with the ETag of the product you edited');
}

export function optionalIfMatch(req: Request): number | undefined {
  return parseIfMatch(req.header('if-match')) ?? undefined;
}

/** A stale If-Match on a stream that does not exist is an unknown product, not a conflict. */
export function unknownWhenAbsent(err: unknown): never {
  if (err instanceof ConcurrencyError && err.actual === 0) throw new NotFoundError('Product not found', 'product_not_found');
  throw err;
}

/** The product as it is now (read your writes: the read model already holds the change). */
export async function productReply(db: Queryable, tenantId: number, productId: string, status: number, extra: Record<string, unknown> = {}): Promise<Reply> {
  const product = await findProduct(db, tenantId, productId);
  if (!product) throw new NotFoundError('Product not found', 'product_not_found');
  return { status, body: { ...product, ...extra }, headers: { ETag: etagOf(product.version) } };
}

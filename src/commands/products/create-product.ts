/*
 * CreateProduct: a new draft in the seller's catalogue. References are resolved to their codes,
 * the decider checks every rule, and the product's creation is appended together with the
 * reservation of its SKU, so a SKU can never be taken twice, on any event store. The plan's
 * product cap is checked first (403 naming the limit); on PostgreSQL the append transaction
 * checks it again under the tenant's lock, so two creations racing for the last slot cannot both
 * be kept.
 */
import { productDecider, productStream, releaseSku, reserveSku, skuIsFree, skuStream } from '../../domain/product/decider';
import type { ProductCreated } from '../../domain/product/decider';
import { AppError, ConcurrencyError, ConflictError, UnavailableError } from '../../shared/errors';
import { createProductBody, etagOf, productSchema, type CreateProductInput, type ProductDto } from '../../shared/product-fields';
import { deterministicUuid, runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import type { IdempotencyKeys } from '../idempotency';
import { productAfter, type ProductCommandDeps } from './deps';

export type CreateProductDeps = ProductCommandDeps;

export interface CreatedProduct {
  product: ProductDto;
  /** False when the product already existed (a retry under the same Idempotency-Key). */
  created: boolean;
}

function duplicateSku(): ConflictError {
  return new ConflictError('A product with this SKU already exists', 'duplicate_sku', { errors: [{ field: 'sku', message: 'is already used by another product' }] });
}

/** Which pg error says "this SKU is taken": the read model's unique index, a second guard. */
function isDuplicateSkuIndex(err: unknown): boolean {
  const pg = err as { code?: string; constraint?: string; table?: string };
  return pg.code === '23505' && (pg.constraint === 'products_sku_lower_uq' || (pg.table?.startsWith('products') ?? false));
}

/**
 * Where appends to several streams are not one transaction (EventStoreDB), the reservation is
 * written before the product: when the product's append then fails (or the server did not answer
 * in time), the SKU is given back — unless the product was written after all. Best effort: the
 * original failure is what the caller hears either way.
 */
async function releaseOrphanedReservation(deps: CreateProductDeps, tenant: number, sku: string, productId: string, metadata: CommandMetadata): Promise<void> {
  try {
    const reservation = await deps.store.readStream(tenant, skuStream(sku));
    const last = reservation[reservation.length - 1];
    if (last?.type !== 'SkuReserved' || (last.data as { product_id?: string }).product_id !== productId) return;
    if ((await deps.store.readStream(tenant, productStream(productId), { limit: 1 })).length > 0) return;
    const released = releaseSku(sku, productId, deps.clock.now());
    await deps.store.appendMany(tenant, [{ stream: skuStream(sku), events: [{ id: deps.ids.uuid(), ...released, metadata: metadata.event }], expected: last.streamVersion }]);
  } catch {
    // The reservation stays; the seller hears of the original failure.
  }
}

/**
 * With an idempotency seed the product id and every event id come from it, so a concurrent retry
 * appends nothing new and answers with the same product.
 */
export async function createProduct(deps: CreateProductDeps, tenant: number, input: CreateProductInput, metadata: CommandMetadata): Promise<CreatedProduct> {
  const seed = metadata.idSeed;
  const productId = seed === undefined ? deps.ids.uuid() : deterministicUuid(`${tenant}:product:${seed}`, 0);
  await deps.limits.assertProductRoom(tenant).catch(async (err: unknown) => {
    // A retry of a creation whose first run was cut short after its append takes no new slot.
    if (seed !== undefined && (await deps.store.readStream(tenant, productStream(productId), { limit: 1 })).length > 0) return;
    throw err;
  });
  const resolved = await deps.references(tenant, input);
  const plan = (skuExpected: number) => ({
    stream: productStream(productId),
    decider: productDecider,
    command: { type: 'CreateProduct' as const, product_id: productId, input: { ...input, ...resolved.values } as CreateProductInput, references: resolved.facts, now: deps.clock.now() },
    // A fresh id names no stream yet (the append checks it); a key may name one already.
    newStream: seed === undefined,
    alongside: (events: { type: string; data: unknown }[]) => {
      const created = events.find((e): e is ProductCreated => e.type === 'ProductCreated');
      return created ? [{ stream: skuStream(created.data.sku), events: [reserveSku(created.data.sku, productId, deps.clock.now())], expected: skuExpected }] : [];
    },
  });
  for (let skuVersion = 0; ; ) {
    try {
      const outcome = await runCommand(deps, tenant, plan(skuVersion), metadata);
      return { product: await productAfter(deps.represent, tenant, outcome), created: outcome.append !== null && !outcome.append.duplicate };
    } catch (err) {
      if (isDuplicateSkuIndex(err)) throw duplicateSku();
      if (err instanceof ConcurrencyError && err.stream === skuStream(input.sku)) {
        // Taken — unless the reservation was given back, which leaves the SKU free at its version.
        const reservation = await deps.store.readStream(tenant, err.stream);
        if (!skuIsFree(reservation) || reservation.length === skuVersion) throw duplicateSku();
        skuVersion = reservation.length;
        continue;
      }
      // Already created under this key by a request that is still answering: the same product.
      if (seed !== undefined && err instanceof ConflictError && err.code === 'product_exists') {
        const product = await deps.represent(tenant, await deps.store.readStream(tenant, productStream(productId)));
        if (product) return { product, created: false };
      }
      if (!(err instanceof AppError) || err instanceof UnavailableError) await releaseOrphanedReservation(deps, tenant, input.sku, productId, metadata);
      throw err;
    }
  }
}

/** POST /api/products */
export function createProductRoute(deps: CreateProductDeps & { idempotency: IdempotencyKeys }) {
  return commandRoute({
    method: 'post',
    path: '/api/products',
    summary: 'Create a product (a draft)',
    tags: ['Products'],
    body: createProductBody,
    idempotency: deps.idempotency,
    responses: {
      201: { description: 'Created; ETag holds its version', schema: productSchema },
      400: { description: 'A field has the wrong type, is missing, or is unknown (each one is named)' },
      403: { description: "The plan's product cap is reached: the limit, the usage and the plan that would allow it are named" },
      409: { description: 'Another product already has this SKU' },
      422: { description: 'A field breaks a rule, or the Idempotency-Key was used for another request (each field is named)' },
    },
    handle: async ({ body, auth }, metadata) => {
      const { product } = await createProduct(deps, auth.tenantId, body, metadata);
      return { status: 201, body: product, headers: { ETag: etagOf(product.version), Location: `/api/products/${product.id}` } };
    },
  });
}

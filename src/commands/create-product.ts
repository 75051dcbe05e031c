import { z } from 'zod';
import { productDecider, productStream, type ProductEvent, type ProductInput, type ProductState } from '../domain/product/decider';
import { defineRoute, type AuthContext, type Reply } from '../http/route';
import { createdRow } from '../projections/products';
import { etagOf, productSchema, toProductDto } from '../queries/product-representation';
import type { Services } from '../services';
import { ConflictError } from '../shared/errors';
import { deterministicUuid, handleCommand, type HandledCommand } from './handle-command';
import { checkIdempotencyKey, IDEMPOTENCY_HEADER, idempotent } from './idempotency';
import { productReply, referenceFacts, requestMetadata } from './product-commands';
import type { EventMetadata } from '../eventstore/types';

/** Types only: the catalogue's rules (lengths, amounts, references) are the decider's, and answer 422. */
export const createProductBody = z
  .object({
    sku: z.string().describe('1 to 50 of A-Z a-z 0-9 . _ -, unique in your catalogue (any case)'),
    title: z.string().describe('1 to 200 characters'),
    description: z.string().nullable().optional(),
    price: z.number().describe('Euros: more than 0, at most 99999.99, two decimals at most'),
    cost_price: z.number().nullable().optional().describe('Euros paid for the item: 0 or more'),
    stock_quantity: z.number().optional().describe('Whole number, 0 or more (default 1)'),
    category: z.string().describe('Slug of a leaf category (GET /api/categories)'),
    brand: z.string().nullable().optional().describe('A brand of GET /api/attributes/brands, any case'),
    size: z.string().nullable().optional().describe('Code from GET /api/attributes/sizes'),
    color: z.string().nullable().optional().describe('Slug from GET /api/attributes/colors'),
    gender: z.string().nullable().optional().describe('Code from GET /api/attributes/genders'),
    condition: z.string().describe('Code from GET /api/attributes/conditions'),
  })
  .strict();

export type CreateProductBody = z.infer<typeof createProductBody>;

/** Which pg error says "this SKU is taken": the read model's unique index, hit inside the append. */
function isDuplicateSku(err: unknown): boolean {
  const pg = err as { code?: string; constraint?: string; table?: string };
  return pg.code === '23505' && (pg.constraint === 'products_sku_lower_uq' || (pg.table?.startsWith('products') ?? false));
}

function duplicateSku(): ConflictError {
  return new ConflictError('A product with this SKU already exists', 'duplicate_sku', { errors: [{ field: 'sku', message: 'is already used by another product' }] });
}

export interface CreateProductRequest {
  auth: AuthContext;
  metadata: EventMetadata;
  body: CreateProductBody;
  idempotencyKey?: string;
}

/**
 * Checks the references, decides, appends. With an Idempotency-Key the product id and event ids
 * come from the key, so a concurrent retry appends nothing new and finds the same product.
 */
export async function createProduct(services: Services, request: CreateProductRequest): Promise<Reply> {
  const { pool } = services;
  const tenant = request.auth.tenantId;
  const key = request.idempotencyKey;
  const ctx = services.commandContext(request.metadata);
  const productId = key === undefined ? ctx.ids.uuid() : deterministicUuid(`${tenant}:product:${key}`, 0);
  const input: ProductInput = request.body;
  const references = await referenceFacts(pool, tenant, input);
  let created: HandledCommand<ProductState, ProductEvent> | undefined;
  try {
    created = await handleCommand(ctx, {
      tenant,
      stream: productStream(productId),
      decider: productDecider,
      command: { type: 'CreateProduct', product_id: productId, input, references, now: ctx.clock.now() },
      // A fresh id names no stream yet (the append checks it); a key may name one already.
      newStream: key === undefined,
      idSeed: key,
    });
  } catch (err) {
    if (isDuplicateSku(err)) throw duplicateSku();
    // Already created under this key by a request that is still answering: same product.
    if (!(key !== undefined && err instanceof ConflictError && err.code === 'product_exists')) throw err;
  }
  const location = { Location: `/api/products/${productId}` };
  const [event] = created?.events ?? [];
  if (created?.append && !created.append.duplicate && event?.type === 'ProductCreated') {
    // The row the projection just wrote, folded by its own code: no need to read it back.
    const row = createdRow(event.data, created.version);
    return { status: 201, body: toProductDto(row), headers: { ETag: etagOf(row.version), ...location } };
  }
  const reply = await productReply(pool, tenant, productId, 201);
  return { ...reply, headers: { ...reply.headers, ...location } };
}

/** POST /api/products */
export function createProductRoute(services: Services) {
  return defineRoute({
    method: 'post',
    path: '/api/products',
    summary: 'Create a product (a draft)',
    tags: ['Products'],
    body: createProductBody,
    headers: [IDEMPOTENCY_HEADER],
    responses: {
      201: { description: 'Created; ETag holds its version', schema: productSchema },
      400: { description: 'A field has the wrong type, or is unknown (each one is named)' },
      409: { description: 'Another product already has this SKU' },
      422: { description: 'A field breaks a rule, or the Idempotency-Key was used for another request (each field is named)' },
    },
    handle: async ({ body, auth, requestId, req }) => {
      const idempotencyKey = checkIdempotencyKey(req.header('idempotency-key'));
      const metadata = requestMetadata(auth, requestId, req);
      return idempotent(
        services.pool,
        auth.tenantId,
        idempotencyKey,
        { route: 'POST /api/products', body },
        (seed) => createProduct(services, { auth, metadata, body, idempotencyKey: seed }),
        services.config.IDEMPOTENCY_KEY_TTL_HOURS,
      );
    },
  });
}

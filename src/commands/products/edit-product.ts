/*
 * EditProduct: details, price and stock in one append, one event per kind of change. The edit
 * must name the version it applies to (If-Match), so two sellers' edits never silently overwrite
 * each other.
 */
import { productDecider, productStream } from '../../domain/product/decider';
import { editProductBody, etagOf, productSchema, type ProductChanges, type ProductDto } from '../../shared/product-fields';
import { runCommand, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { productAfter, productIdOf, type ProductCommandDeps } from './deps';
import { productIdParams } from './params';

export async function editProduct(deps: ProductCommandDeps, tenant: number, input: { product_id: string; changes: ProductChanges }, metadata: CommandMetadata): Promise<ProductDto> {
  const id = productIdOf(input.product_id);
  const { category, brand, size, color, gender, condition } = input.changes;
  const resolved = await deps.references(tenant, { category, brand, size, color, gender, condition });
  const outcome = await runCommand(
    deps,
    tenant,
    {
      stream: productStream(id),
      decider: productDecider,
      command: { type: 'EditProduct', changes: { ...input.changes, ...resolved.values } as ProductChanges, references: resolved.facts, now: deps.clock.now() },
      requireExpectedVersion: true,
    },
    metadata,
  );
  return await productAfter(deps.represent, tenant, outcome);
}

/** PATCH /api/products/{id} */
export function editProductRoute(deps: ProductCommandDeps) {
  return commandRoute({
    method: 'patch',
    path: '/api/products/{id}',
    summary: 'Edit a product (If-Match required)',
    tags: ['Products'],
    params: productIdParams,
    body: editProductBody,
    ifMatch: 'required',
    responses: {
      200: { description: 'The product as edited; ETag holds its new version', schema: productSchema },
      400: { description: 'A field has the wrong type, or is unknown' },
      404: { description: 'No such product for this account' },
      412: { description: 'The product changed since the ETag sent in If-Match' },
      422: { description: 'A field breaks a rule, or the product is sold or archived' },
      428: { description: 'If-Match is missing' },
    },
    handle: async ({ params, body, auth }, metadata) => {
      const product = await editProduct(deps, auth.tenantId, { product_id: params.id, changes: body }, metadata);
      return { status: 200, body: product, headers: { ETag: etagOf(product.version) } };
    },
  });
}

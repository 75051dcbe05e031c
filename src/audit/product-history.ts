/*
 * A product's whole history, straight from its stream, oldest first. Events recorded under an
 * older schema come back in today's shape (the store upcasts them on read).
 */
import { z } from 'zod';
import { productStream } from '../domain/product/decider';
import type { EventStore } from '../eventstore/types';
import { defineRoute } from '../http/route';
import { NotFoundError } from '../shared/errors';

export const historyEntrySchema = z.object({
  version: z.number().int(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  recorded_at: z.string(),
  actor: z.string().nullable().describe('User who caused the change (null for system actions)'),
});

export type HistoryEntry = z.infer<typeof historyEntrySchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function productHistory(store: Pick<EventStore, 'readStream'>, tenantId: number, productId: string): Promise<HistoryEntry[]> {
  if (!UUID.test(productId)) throw new NotFoundError('Product not found', 'product_not_found');
  const events = await store.readStream(tenantId, productStream(productId.toLowerCase()));
  if (events.length === 0) throw new NotFoundError('Product not found', 'product_not_found');
  return events.map((e) => ({
    version: e.streamVersion,
    type: e.type,
    data: e.data as Record<string, unknown>,
    recorded_at: e.recordedAt.toISOString(),
    actor: typeof e.metadata.actor === 'string' ? e.metadata.actor : null,
  }));
}

/** GET /api/products/{id}/history */
export function productHistoryRoute(store: Pick<EventStore, 'readStream'>) {
  return defineRoute({
    method: 'get',
    path: '/api/products/{id}/history',
    summary: "The product's events, oldest first",
    tags: ['Products'],
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: 'Every change, in order', schema: z.object({ items: z.array(historyEntrySchema) }) },
      404: { description: 'No such product for this account' },
    },
    handle: async ({ params, auth }) => ({ status: 200, body: { items: await productHistory(store, auth.tenantId, params.id) } }),
  });
}

/*
 * `POST /api/plugin/observations`: what the extension saw on Vinted — items sold (with their
 * order), items removed, and the wardrobe as listed. Stored raw in `vinted_observations` for
 * reconciliation to consume, each fact once: a sale by (item, order), a removal by item, a
 * wardrobe item by its content (an unchanged item seen again adds nothing; a changed one does).
 * A sale is also reported as a Vinted order (`order-vinted-<order id>`, one line: the item) before
 * the answer, so sync records it on the product and delists the item everywhere else; reported
 * again, it adds nothing.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineRoute, type AnyRoute, type RouteAuthenticator } from '../../http/route';
import { withTenant } from '../../infra/db/tenant-transaction';
import type { CommandDeps } from '../command';
import { listingIdOf } from '../listings/load';
import { markListing } from '../listings/record-listing';
import { reportMarketplaceOrder } from '../sync/orders';
import { correctDrift } from '../sync/compare-listings';
import type { ListingThere } from '../../domain/reconciliation/drift';
import type { SyncDeps } from '../sync/deps';
import { DomainRuleError } from '../../shared/errors';
import { decimalCents } from '../../domain/product/money';
import type { VintedQueueDeps } from './deps';
import { assertActsForConnectedMember, vintedConnection } from './paired';

const itemId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Vinted item id');
const money = z.union([z.number().min(0).max(10_000_000), z.string().regex(/^[0-9]{1,8}([.,][0-9]{1,2})?$/, 'a decimal amount such as 12.50')]);

export const MAX_OBSERVED = { sold: 500, removed: 500, wardrobe: 2000 } as const;

export const observationsBody = z
  .object({
    observed_at: z.iso.datetime({ offset: true }),
    sold: z
      .array(z.object({ vinted_item_id: itemId, order_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Vinted order (transaction) id'), price: money.optional(), currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code').optional() }).strict())
      .max(MAX_OBSERVED.sold),
    removed: z.array(z.object({ vinted_item_id: itemId }).strict()).max(MAX_OBSERVED.removed),
    wardrobe: z
      .array(z.object({ vinted_item_id: itemId, title: z.string().max(300), price: money, status: z.string().trim().min(1).max(40) }).strict())
      .max(MAX_OBSERVED.wardrobe)
      .optional(),
  })
  .strict();
export type Observations = z.infer<typeof observationsBody>;

interface Observation {
  kind: 'sold' | 'removed' | 'wardrobe';
  vinted_item_id: string;
  order_id: string | null;
  dedupe_key: string;
  data: Record<string, unknown>;
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

export function observationsOf(body: Observations): Observation[] {
  return [
    ...body.sold.map((s) => ({ kind: 'sold' as const, vinted_item_id: s.vinted_item_id, order_id: s.order_id, dedupe_key: `sold:${s.vinted_item_id}:${s.order_id}`, data: s })),
    ...body.removed.map((r) => ({ kind: 'removed' as const, vinted_item_id: r.vinted_item_id, order_id: null, dedupe_key: `removed:${r.vinted_item_id}`, data: r })),
    ...(body.wardrobe ?? []).map((w) => ({
      kind: 'wardrobe' as const,
      vinted_item_id: w.vinted_item_id,
      order_id: null,
      dedupe_key: `wardrobe:${w.vinted_item_id}:${fingerprint([w.title, String(w.price), w.status])}`,
      data: w,
    })),
  ];
}

/** Stores what is new; answers how many were new and how many were already known. */
export async function recordVintedObservations(deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock'>, tenant: number, deviceId: string, body: Observations): Promise<{ accepted: number; duplicates: number }> {
  const observations = observationsOf(body);
  if (observations.length === 0) return { accepted: 0, duplicates: 0 };
  const { rowCount } = await withTenant(deps.pool, deps.tenancy, tenant, (tx) =>
    tx.query(
      `insert into vinted_observations (kind, vinted_item_id, order_id, dedupe_key, data, observed_at, received_at, device_id)
       select o.kind, o.vinted_item_id, o.order_id, o.dedupe_key, o.data, $2, $3, $4
         from jsonb_to_recordset($1::jsonb) as o(kind text, vinted_item_id text, order_id text, dedupe_key text, data jsonb)
       on conflict (dedupe_key) do nothing`,
      [JSON.stringify(observations), body.observed_at, deps.clock.now(), deviceId],
    ),
  );
  const accepted = rowCount ?? 0;
  return { accepted, duplicates: observations.length - accepted };
}

/** "12,50", "12.5", 12.5 → 1250. */
export const centsOf = decimalCents;

/** Each sale seen becomes the report of a Vinted order of one line. */
export async function reportVintedSales(deps: CommandDeps, tenant: number, deviceId: string, sold: Observations['sold']): Promise<void> {
  if (sold.length === 0) return;
  const member = (await vintedConnection(deps.store, tenant)).account?.id ?? '';
  for (const s of sold) {
    await reportMarketplaceOrder(
      deps,
      tenant,
      {
        marketplace: 'vinted',
        orderId: s.order_id,
        accountId: member,
        lines: [{ line_id: s.order_id, listing_id: s.vinted_item_id, quantity: 1, ...(s.price !== undefined ? { unit_price_cents: centsOf(s.price) } : {}), ...(s.currency ? { currency: s.currency } : {}) }],
        via: 'extension',
        notificationId: null,
      },
      { event: { actor: `device:${deviceId}` } },
    );
  }
}

/**
 * An item gone from Vinted that Stoflow did not delete (the seller removed it there, or Vinted
 * did): its listing has ended there. Items Stoflow deleted, or that sold, are seen removed too;
 * their listing has ended already and stays as it ended. Answers how many are ended externally.
 */
export async function endRemovedListings(deps: CommandDeps & Pick<SyncDeps, 'productOfListing'>, tenant: number, deviceId: string, removed: Observations['removed']): Promise<number> {
  let ended = 0;
  for (const r of removed) {
    const productId = await deps.productOfListing(tenant, 'vinted', r.vinted_item_id);
    if (!productId) continue;
    try {
      const status = await markListing(deps, tenant, listingIdOf(tenant, productId, 'vinted'), { type: 'MarkEndedExternally', reason: 'removed on Vinted', now: deps.clock.now() }, { event: { actor: `device:${deviceId}` } });
      if (status === 'ended_externally') ended += 1;
    } catch (err) {
      if (!(err instanceof DomainRuleError)) throw err;
    }
  }
  return ended;
}

/** The wardrobe's status words, as the extension reads them (Vinted's is_closed / item_closing_action); an unknown word is not judged. */
function standingOf(status: string): ListingThere | null {
  const word = status.toLowerCase();
  if (word === 'active') return { state: 'live', detail: 'active in the wardrobe' };
  if (word === 'sold') return { state: 'sold_out', detail: 'sold in the wardrobe' };
  if (word === 'deleted' || word === 'closed' || word === 'hidden' || word === 'removed') return { state: 'ended', detail: `${word} in the wardrobe` };
  return null;
}

/**
 * The wardrobe as the extension saw it, compared with our Vinted listings: an item Stoflow
 * deleted that is still active is deleted again, one that is closed there ends here, a live item
 * of a product that can no longer be sold is delisted. Only the items seen are judged: a
 * snapshot may be one page of the wardrobe, so an item missing from it proves nothing.
 */
export async function reconcileWardrobe(deps: CommandDeps & Pick<SyncDeps, 'listingsToCompare'>, tenant: number, deviceId: string, wardrobe: Observations['wardrobe']) {
  if (!wardrobe || wardrobe.length === 0) return [];
  const seen = new Map(wardrobe.map((w) => [w.vinted_item_id, standingOf(w.status)]));
  const ours = await deps.listingsToCompare(tenant, 'vinted', [...seen.keys()]);
  const there = new Map<string, ListingThere>();
  for (const listing of ours) {
    const standing = listing.external.item_id ? seen.get(listing.external.item_id) : null;
    if (standing) there.set(listing.listingId, standing);
  }
  return correctDrift(deps, tenant, 'vinted', ours, there, { actor: `device:${deviceId}`, foundBy: 'the extension in the wardrobe' });
}

export function recordObservationsRoute(
  deps: Pick<VintedQueueDeps, 'pool' | 'tenancy' | 'clock'> & { store: CommandDeps['store']; commands: CommandDeps; productOfListing: SyncDeps['productOfListing']; listingsToCompare: SyncDeps['listingsToCompare'] },
  device: RouteAuthenticator,
): AnyRoute {
  return defineRoute({
    method: 'post',
    path: '/api/plugin/observations',
    summary: 'What the extension saw on Vinted: sales, removals, the wardrobe (stored for reconciliation)',
    tags: ['Vinted extension'],
    authenticator: device,
    // Titles and the like come from Vinted's pages: a bad character must not keep the sales out.
    unstorableText: 'clean',
    body: observationsBody,
    responses: {
      202: { description: 'Stored for reconciliation; facts already known are counted as duplicates', schema: z.object({ accepted: z.number().int(), duplicates: z.number().int() }) },
      409: { description: 'Vinted is not connected, or this device is not signed in as the connected member' },
    },
    handle: async ({ body, auth }) => {
      await assertActsForConnectedMember(deps, auth.tenantId, auth.deviceId!);
      const stored = await recordVintedObservations(deps, auth.tenantId, auth.deviceId!, body);
      await reportVintedSales(deps.commands, auth.tenantId, auth.deviceId!, body.sold);
      await endRemovedListings({ ...deps.commands, productOfListing: deps.productOfListing }, auth.tenantId, auth.deviceId!, body.removed);
      await reconcileWardrobe({ ...deps.commands, listingsToCompare: deps.listingsToCompare }, auth.tenantId, auth.deviceId!, body.wardrobe);
      return { status: 202, body: stored };
    },
  });
}

/*
 * GET /api/sync/activity: every sale, newest first — when it was detected and by which path
 * (webhook, poll, extension, or recorded by hand) — and, for each other marketplace, what sync
 * did about it and when (the sync activity read model, joined with the order lines for the
 * detection and the catalogue for the product's name). Each outcome names the event that settled
 * it, and the sale its own event and correlation id: every event of that correlation in
 * `stoflow history` is part of the answer to "why was this delisted?".
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';
import { SYNC_OUTCOMES, type SyncOutcome } from '../../shared/sync-outcomes';

const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;
const CHANNELS = ['offline', ...MARKETPLACES] as const;
const PATHS = ['webhook', 'poll', 'extension', 'manual'] as const;

const outcomeSchema = z.object({
  marketplace: z.enum(MARKETPLACES),
  outcome: z
    .enum(SYNC_OUTCOMES)
    .describe(
      'not_listed: no listing there · already_delisted: its listing had ended before the sale · pending: a delist (no stock left) or quantity update (stock left) under way · delisted · quantity_updated · failed: the last call failed, see reason and next_retry_at · sold_there_too: an oversell (GET /api/sync/oversells) · ended_there: the marketplace ended it · disconnected: the account was disconnected',
    ),
  action: z.enum(['delist', 'update']).nullable().describe('What sync had to do there: take the listing down (no stock left) or show the stock left'),
  listing_id: z.string().nullable(),
  reason: z.string().nullable().describe('For failed: what the marketplace answered; for already_delisted: how the listing had ended'),
  next_retry_at: z.string().nullable(),
  decided_at: z.string().nullable().describe('When the outcome was reached (absent while pending)'),
  after_ms: z.number().int().nullable().describe('From the sale being detected to this outcome, for delisted and quantity_updated'),
  event_id: z.string().nullable().describe('The listing event that settled it'),
});

const saleSchema = z.object({
  sale_id: z.string(),
  product: z.object({ id: z.string(), sku: z.string().nullable(), title: z.string().nullable() }),
  sold_on: z.enum(CHANNELS),
  order_id: z.string().nullable(),
  line_id: z.string().nullable(),
  quantity: z.number().int(),
  remaining_stock: z.number().int(),
  oversold: z.boolean().describe('The stock could not cover it: nothing was left to delist (see GET /api/sync/oversells)'),
  detected_via: z.enum(PATHS),
  detected_at: z.string().describe('When Stoflow heard of the sale'),
  recorded_at: z.string().describe('When the sale was recorded on the product'),
  event_id: z.string().describe('The ProductSold (or OversoldDetected) event'),
  correlation_id: z.string().nullable(),
  marketplaces: z.array(outcomeSchema),
});

const query = z
  .object({
    product_id: z.uuid().optional(),
    sold_on: z.enum(CHANNELS).optional(),
    outcome: z.enum(SYNC_OUTCOMES).optional().describe('Only sales with this outcome on some marketplace (failed, pending…)'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

interface OutcomeJson {
  marketplace: (typeof MARKETPLACES)[number];
  outcome: SyncOutcome;
  action: 'delist' | 'update' | null;
  listing_id: string | null;
  reason: string | null;
  next_retry_at: string | null;
  decided_at: string | null;
  event_id: string | null;
}

interface Row {
  sale_id: string;
  product_id: string;
  sku: string | null;
  title: string | null;
  channel: (typeof CHANNELS)[number];
  order_id: string | null;
  line_id: string | null;
  quantity: number;
  remaining_stock: number;
  oversold: boolean;
  via: (typeof PATHS)[number] | null;
  detected_at: Date;
  sold_at: Date;
  event_id: string;
  correlation_id: string | null;
  outcomes: OutcomeJson[];
  total: number;
}

const iso = (s: string | null) => (s === null ? null : new Date(s).toISOString());

export function syncActivityRoutes({ db, tenancy }: TenantDb) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/sync/activity',
      summary: 'Each sale, how it was detected, and what sync did on every other marketplace (delisted, quantity updated, failed with its next retry…)',
      tags: ['Sync'],
      query,
      responses: { 200: { description: 'A page of sales, newest first', schema: z.object({ items: z.array(saleSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }) } },
      handle: async ({ auth, query: q }) => {
        const t = (name: string) => tenancy.table(auth.tenantId, name);
        const { rows } = await db.query<Row>(
          `select s.sale_id, s.product_id, p.sku, p.title, s.channel, s.order_id, s.line_id, s.quantity, s.remaining_stock, s.oversold,
                  l.via, coalesce(l.reported_at, s.sold_at) as detected_at, s.sold_at, s.event_id, s.correlation_id,
                  coalesce((select jsonb_agg(jsonb_build_object('marketplace', o.marketplace, 'outcome', o.outcome, 'action', o.action, 'listing_id', o.listing_id,
                                                               'reason', o.reason, 'next_retry_at', o.next_retry_at, 'decided_at', o.decided_at, 'event_id', o.event_id) order by o.marketplace)
                              from ${t('sync_activity_outcomes')} o where o.sale_id = s.sale_id), '[]'::jsonb) as outcomes,
                  count(*) over ()::int as total
             from ${t('sync_activity_sales')} s
             left join ${t('products')} p on p.id = s.product_id
             left join ${t('marketplace_order_lines')} l on l.marketplace = s.channel and l.order_id = s.order_id and l.line_id = s.line_id
            where ($1::uuid is null or s.product_id = $1) and ($2::text is null or s.channel = $2)
              and ($3::text is null or exists (select 1 from ${t('sync_activity_outcomes')} o where o.sale_id = s.sale_id and o.outcome = $3))
            order by s.sold_at desc, s.sale_id
            limit $4 offset $5`,
          [q.product_id ?? null, q.sold_on ?? null, q.outcome ?? null, q.limit, q.offset],
        );
        const items = rows.map((r) => {
          const detected = r.detected_at.getTime();
          return {
            sale_id: r.sale_id,
            product: { id: r.product_id, sku: r.sku, title: r.title },
            sold_on: r.channel,
            order_id: r.order_id,
            line_id: r.line_id,
            quantity: r.quantity,
            remaining_stock: r.remaining_stock,
            oversold: r.oversold,
            detected_via: r.via ?? ('manual' as const),
            detected_at: r.detected_at.toISOString(),
            recorded_at: r.sold_at.toISOString(),
            event_id: r.event_id,
            correlation_id: r.correlation_id,
            marketplaces: r.outcomes.map((o) => ({
              ...o,
              next_retry_at: iso(o.next_retry_at),
              decided_at: iso(o.decided_at),
              after_ms: o.decided_at !== null && (o.outcome === 'delisted' || o.outcome === 'quantity_updated') ? Math.max(0, new Date(o.decided_at).getTime() - detected) : null,
            })),
          };
        });
        return { status: 200, body: { items, total: rows[0]?.total ?? 0, limit: q.limit, offset: q.offset } };
      },
    }),
  ];
}

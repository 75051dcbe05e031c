/*
 * The event feed's public contract: which event types a consumer of GET /api/events (and its
 * stream) sees, and the shape of each one's `data`, with a `schema_version`. The store keeps more
 * than this; a type that is not listed here is never sent, and a listed type's data is cut down
 * to its schema, so a field added to a stored event reaches consumers only once it is added here.
 *
 * What is public is what an analytics consumer needs to follow the seller's business:
 * - products: created, edited, repriced, restocked, archived, and their sales and oversells;
 * - listings: queued on a marketplace, live there (with the marketplace's ids and URL), failed to
 *   publish, sold there, ended (delisted, ended by the marketplace, closed after a sale,
 *   disconnected);
 * - the shop's time zone (ShopTimeZoneChanged, stream `shop`): the zone Stoflow counts the
 *   seller's days in, so a consumer can bucket sales into the same days.
 * What is not, and why:
 * - marketplace connections (MarketplaceConnected, settings, notifications, revocations): they
 *   carry account ids, settings and options of the seller's marketplace accounts, next to the
 *   credentials, which are no concern of an analytics tool;
 * - the steps of the publishing machinery (publish/update started, progressed, retry and delist
 *   requests, update and delist failures): they describe Stoflow's work in progress, not the
 *   business, and change as that machinery does;
 * - SKU reservations, order-line bookkeeping (OrderLineApplied/Refused): internal guards and
 *   idempotency of the sync, whose outcome is already in ProductSold and OversoldDetected;
 * - images: the stored file names are internal (the product API serves their URLs);
 * - the subscription (PlanChanged and the rest), AI jobs and credits, custom brands: billing and
 *   plan internals, or no part of the seller's sales.
 *
 * A change to a type's public data that could break a consumer (a field removed, renamed or
 * retyped) bumps its `schema_version`, and stored events keep coming out in the current shape
 * through the store's upcasters (ProductCreated v1 stored euros; v2 integer cents). Adding a
 * field does not: ProductSold and OversoldDetected gained their fees and shipping in their public
 * v1, and the sales stored before them come out with 0 (the store's upcasters fill them in).
 */
import { z } from 'zod';
import type { RecordedEvent } from '../eventstore/types';
import type { Logger } from '../infra/logger';

const marketplace = z.enum(['ebay', 'etsy', 'vinted']);
const channel = z.enum(['offline', 'ebay', 'etsy', 'vinted']).describe('Where it sold: offline (recorded by the seller) or a marketplace');
const time = z.string().describe('ISO 8601');
const cents = z.number().int().describe('Integer cents (EUR)');

const saleMoney = {
  fees_cents: cents.describe("Integer cents (EUR): what the marketplace or payment provider kept"),
  shipping_charged_cents: cents.describe('Integer cents (EUR): shipping the buyer paid the seller'),
  shipping_paid_cents: cents.describe('Integer cents (EUR): postage the seller paid'),
};

const details = {
  title: z.string(),
  description: z.string().nullable(),
  category: z.string().describe('Slug of a leaf category'),
  brand: z.string().nullable(),
  size: z.string().nullable(),
  color: z.string().nullable(),
  gender: z.string().nullable(),
  condition: z.string().describe('Condition code'),
  cost_price_cents: cents.nullable().describe('What the seller paid, integer cents; null when not given'),
};

const orderRef = {
  order_id: z.string().optional().describe("The marketplace's order (marketplace sales)"),
  line_id: z.string().optional().describe("The order's line (marketplace sales)"),
};

export interface PublicEventDefinition {
  type: string;
  /** The version of this type's public data; bumped on an incompatible change. */
  schemaVersion: number;
  /** Which stream it belongs to, and when it happens. */
  description: string;
  data: z.ZodObject;
}

export const PUBLIC_EVENT_DEFINITIONS: readonly PublicEventDefinition[] = [
  {
    type: 'ProductCreated',
    schemaVersion: 2,
    description: 'A product was created (stream product-<id>). v2: money in integer cents (v1 stored decimal euros; old events come out as v2).',
    data: z.object({
      product_id: z.uuid(),
      sku: z.string(),
      price_cents: cents,
      stock_quantity: z.number().int(),
      ...details,
      description: z.string(),
      cost_price_cents: details.cost_price_cents.optional(),
      created_at: time,
    }),
  },
  {
    type: 'ProductDetailsUpdated',
    schemaVersion: 1,
    description: 'Details of a product were edited: `changes` holds the new values of the fields that changed only.',
    data: z.object({ changes: z.object({ ...details, description: z.string() }).partial(), updated_at: time }),
  },
  {
    type: 'ProductPriceChanged',
    schemaVersion: 1,
    description: "A product's price changed.",
    data: z.object({ price_cents: cents, previous_price_cents: cents, changed_at: time }),
  },
  {
    type: 'ProductStockAdjusted',
    schemaVersion: 1,
    description: "The seller set a product's stock (sales lower it through ProductSold instead).",
    data: z.object({ stock_quantity: z.number().int(), delta: z.number().int(), adjusted_at: time }),
  },
  {
    type: 'ProductSold',
    schemaVersion: 1,
    description:
      'Units of a product sold, offline or on a marketplace. Revenue is quantity × unit_price_cents; net of cost of goods, profit adds shipping_charged_cents and takes off fees_cents and shipping_paid_cents (fields added without a version change: sales recorded before them come out with 0).',
    data: z.object({
      sale_id: z.string(),
      quantity: z.number().int(),
      unit_price_cents: cents,
      channel,
      remaining_stock: z.number().int(),
      sold_at: time,
      ...saleMoney,
      ...orderRef,
    }),
  },
  {
    type: 'OversoldDetected',
    schemaVersion: 1,
    description: 'A marketplace sold more than was left: the buyer paid, the stock cannot cover it, the seller must settle it.',
    data: z.object({
      sale_id: z.string(),
      marketplace,
      quantity: z.number().int(),
      unit_price_cents: cents,
      stock_before: z.number().int(),
      competing_sales: z.array(z.object({ sale_id: z.string(), channel, quantity: z.number().int(), sold_at: time, ...orderRef })),
      detected_at: time,
      ...saleMoney,
      ...orderRef,
    }),
  },
  {
    type: 'SaleCostsRecorded',
    schemaVersion: 1,
    description: "A recorded sale's (or oversell's) fees and shipping were set: the new values, whole, replacing the sale's.",
    data: z.object({ sale_id: z.string(), ...saleMoney, recorded_at: time }),
  },
  {
    type: 'SaleReturned',
    schemaVersion: 1,
    description:
      'A sale came back (returned, or cancelled after the sale): refund_cents is what the buyer got back; restocked, its units are for sale again (stock_quantity after) and its cost of goods is stock again. The sale stays a sale of its day.',
    data: z.object({
      sale_id: z.string(),
      quantity: z.number().int(),
      refund_cents: cents,
      restocked: z.boolean(),
      stock_quantity: z.number().int(),
      reason: z.string().nullable(),
      returned_at: time,
    }),
  },
  {
    type: 'OversellResolved',
    schemaVersion: 1,
    description: 'The seller settled an oversell.',
    data: z.object({ sale_id: z.string(), resolution: z.enum(['buyer_refunded', 'item_found', 'other']), note: z.string().nullable(), resolved_at: time }),
  },
  {
    type: 'ProductArchived',
    schemaVersion: 1,
    description: 'A product was archived: no longer for sale.',
    data: z.object({ archived_at: time }),
  },
  {
    type: 'ListingQueued',
    schemaVersion: 1,
    description: 'A product was put up for publication on a marketplace (stream listing-<id>); the later listing events are on the same stream.',
    data: z.object({ listing_id: z.uuid(), product_id: z.uuid(), marketplace, queued_at: time }),
  },
  {
    type: 'ListingPublished',
    schemaVersion: 1,
    description: "The listing is live on the marketplace: the marketplace's own ids, and its URL when known.",
    data: z.object({ external: z.record(z.string(), z.string()), url: z.string().nullable(), published_at: time }),
  },
  {
    type: 'ListingPublishFailed',
    schemaVersion: 1,
    description: 'Publishing failed; `retryable` says whether Stoflow tries again (at `next_retry_at`).',
    data: z.object({ reason: z.string(), retryable: z.boolean(), next_retry_at: time.nullable(), attempt: z.number().int(), failed_at: time }),
  },
  {
    type: 'ListingSoldHere',
    schemaVersion: 1,
    description: "The product sold through this listing (`sale_id`: the marketplace's own id of the sale, when known).",
    data: z.object({ sale_id: z.string().nullable(), sold_at: time }),
  },
  {
    type: 'ListingClosedAfterSale',
    schemaVersion: 1,
    description: 'The listing that sold the last units was ended on the marketplace too.',
    data: z.object({ closed_at: time }),
  },
  {
    type: 'ListingDelisted',
    schemaVersion: 1,
    description: 'The listing was taken down (or withdrawn before it went live, with a reason).',
    data: z.object({ delisted_at: time, reason: z.string().optional() }),
  },
  {
    type: 'ListingEndedExternally',
    schemaVersion: 1,
    description: 'The marketplace, or the seller there, ended the listing.',
    data: z.object({ reason: z.string(), ended_at: time }),
  },
  {
    type: 'ListingDisconnected',
    schemaVersion: 1,
    description: 'The marketplace was disconnected: the listing is no longer followed.',
    data: z.object({ disconnected_at: time }),
  },
  {
    type: 'ShopTimeZoneChanged',
    schemaVersion: 1,
    description: 'The seller chose the IANA time zone the shop’s days are counted in (stream shop; before the first such event, Europe/Paris).',
    data: z.object({ time_zone: z.string(), previous_time_zone: z.string(), changed_at: time }),
  },
];

const envelope = {
  id: z.uuid().describe('The event id: unique, the same on every read'),
  position: z.number().int().describe('Position in the tenant log: strictly increasing, the cursor to resume from'),
  stream: z.string().describe('Stream the event belongs to: product-<uuid>, listing-<uuid>, shop'),
  version: z.number().int().describe('Version of the stream after this event (1 for its first)'),
  recorded_at: z.string().describe('When the event was appended (ISO 8601)'),
};

export interface FeedItem {
  id: string;
  position: number;
  stream: string;
  version: number;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  recorded_at: string;
}

export interface PublicEvents {
  /** The public types, in the order they are documented. */
  readonly types: readonly string[];
  has(type: string): boolean;
  /** The feed item of a stored (upcast) event, its data cut to the public schema; null when the type is not public. */
  item(event: RecordedEvent): FeedItem | null;
  /** One item of the feed, any public type (a union on `type`). */
  readonly itemSchema: z.ZodType<FeedItem>;
  /** The item schema of one type. */
  itemSchemaOf(type: string): z.ZodObject | undefined;
}

export function publicEvents(definitions: readonly PublicEventDefinition[], logger?: Logger): PublicEvents {
  const byType = new Map(definitions.map((d) => [d.type, d]));
  const itemSchemas = new Map(
    definitions.map((d) => [
      d.type,
      z
        .object({
          ...envelope,
          type: z.literal(d.type),
          schema_version: z.literal(d.schemaVersion).describe('Version of the public shape of this type'),
          data: d.data,
        })
        .describe(d.description),
    ]),
  );
  const schemas = [...itemSchemas.values()];
  const itemSchema = (schemas.length > 1 ? z.discriminatedUnion('type', schemas as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]) : (schemas[0] ?? z.never())) as unknown as z.ZodType<FeedItem>;
  return {
    types: definitions.map((d) => d.type),
    has: (type) => byType.has(type),
    itemSchema,
    itemSchemaOf: (type) => itemSchemas.get(type),
    item(event) {
      const definition = byType.get(event.type);
      if (!definition) return null;
      const parsed = definition.data.safeParse(event.data);
      let data: Record<string, unknown>;
      if (parsed.success) data = parsed.data as Record<string, unknown>;
      else {
        // A stored event the schema does not describe is a bug to fix here, not a reason to stop
        // every consumer at it: its public fields go out as they are, and nothing else.
        logger?.warn({ type: event.type, position: String(event.position), issues: parsed.error.issues.slice(0, 5) }, 'event feed: an event does not match its public schema');
        const raw = (event.data ?? {}) as Record<string, unknown>;
        data = Object.fromEntries(Object.keys(definition.data.shape).filter((k) => Object.hasOwn(raw, k)).map((k) => [k, raw[k]]));
      }
      return {
        id: event.id,
        position: Number(event.position),
        stream: event.streamId,
        version: event.streamVersion,
        type: event.type,
        schema_version: definition.schemaVersion,
        data,
        recorded_at: event.recordedAt.toISOString(),
      };
    },
  };
}

/** The feed's public events. */
export const PUBLIC_EVENTS = publicEvents(PUBLIC_EVENT_DEFINITIONS);

export const EVENTS_SCHEMA_ID = 'https://stoflow.app/schemas/events.schema.json';

/**
 * The JSON Schema (draft 2020-12) document of the feed's items, generated from the zod schemas
 * above: served at GET /api/events/schema and committed as docs/events.schema.json (a test
 * keeps the two equal). One definition per type under `$defs`, an item is one of them.
 */
export function eventsJsonSchema(events: PublicEvents = PUBLIC_EVENTS): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const type of events.types) {
    const json = z.toJSONSchema(events.itemSchemaOf(type)!, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
    delete json.$schema;
    defs[type] = json;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: EVENTS_SCHEMA_ID,
    title: 'Stoflow event feed item',
    description:
      'One item of GET /api/events (and one `data:` of GET /api/events/stream). `type` names the event and `schema_version` the version of its `data`; ' +
      'only the types defined here are ever sent.',
    oneOf: events.types.map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs: defs,
  };
}

/** The committed document's text: what docs/events.schema.json holds. */
export function eventsJsonSchemaText(events: PublicEvents = PUBLIC_EVENTS): string {
  return `${JSON.stringify(eventsJsonSchema(events), null, 2)}\n`;
}

/*
 * Etsy's webhooks: `POST /api/webhooks/etsy`, subscribed to order.paid. A message is believed
 * only once its Standard Webhooks signature holds over the bytes received, within five minutes of
 * its timestamp (401 otherwise, nothing recorded). It names the shop and the receipt, not what
 * sold, so the receipt is read with the seller's token before the answer, and its transactions
 * reported as the order's lines on `order-etsy-<shop>-<receipt>` for each tenant of that shop;
 * Etsy retries what is not acknowledged, and a line reported before adds nothing. A receipt that
 * cannot be read now answers 503, and Etsy delivers again.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/route';
import type { MarketplaceAccounts } from '../../infra/marketplace-accounts';
import type { Logger } from '../../infra/logger';
import { AuthError, NotFoundError, UnavailableError, ValidationError } from '../../shared/errors';
import type { SyncDeps } from './deps';
import { reportMarketplaceOrder } from './orders';

export const ETSY_WEBHOOK_PATH = '/api/webhooks/etsy';

export interface EtsyWebhookDeps {
  sync: SyncDeps;
  /** Whether the bytes carry a valid signature of Etsy's (src/marketplaces/etsy/webhooks.ts); null when ETSY_WEBHOOK_SECRET is unset. */
  verify: ((headers: { id?: string; timestamp?: string; signature?: string }, body: Buffer) => boolean) | null;
  accounts: Pick<MarketplaceAccounts, 'tenantsOf'>;
  logger: Logger;
}

const event = z.object({ event_type: z.string().max(100), resource_url: z.string().max(2000), shop_id: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().positive()]).transform(String) });
const RECEIPT = /\/v3\/application\/shops\/(\d{1,20})\/receipts\/(\d{1,20})$/;

export function etsyWebhookRoutes(deps: EtsyWebhookDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: ETSY_WEBHOOK_PATH,
      summary: "Etsy's webhooks (order.paid), signed the Standard Webhooks way",
      tags: ['Webhooks'],
      auth: false,
      unstorableText: 'clean',
      headers: [
        { name: 'webhook-id', description: "The message's id", required: true },
        { name: 'webhook-timestamp', description: 'Epoch seconds', required: true },
        { name: 'webhook-signature', description: '`v1,<base64 HMAC-SHA256>` entries', required: true },
      ],
      responses: {
        204: { description: 'Recorded (or nothing to record)' },
        401: { description: 'Unsigned, wrongly signed or too old: nothing recorded' },
        404: { description: 'Etsy webhooks are not set up on this server (ETSY_WEBHOOK_SECRET)' },
        503: { description: 'The receipt could not be read now: Etsy delivers again' },
      },
      handle: async ({ req }) => {
        if (!deps.verify) throw new NotFoundError('Etsy webhooks are not set up on this server (ETSY_WEBHOOK_SECRET)', 'webhook_not_configured');
        const raw = (req as Request & { rawBody?: Buffer }).rawBody;
        if (!raw) throw new ValidationError([{ field: 'body', message: 'must be Etsy’s JSON event' }]);
        if (!deps.verify({ id: req.get('webhook-id'), timestamp: req.get('webhook-timestamp'), signature: req.get('webhook-signature') }, raw)) {
          throw new AuthError('The message is not signed by Etsy, or is too old', false, 'invalid_signature');
        }
        const parsed = event.safeParse(req.body);
        if (!parsed.success || parsed.data.event_type !== 'order.paid') {
          if (!parsed.success) deps.logger.warn({ webhook_id: req.get('webhook-id') }, 'a signed Etsy event of an unknown shape was acknowledged and not recorded');
          return { status: 204 };
        }
        const receipt = RECEIPT.exec(new URL(parsed.data.resource_url, 'https://api.etsy.com').pathname);
        if (!receipt || receipt[1] !== parsed.data.shop_id) {
          deps.logger.warn({ webhook_id: req.get('webhook-id') }, "a signed Etsy order.paid whose resource is not the shop's receipt was acknowledged and not recorded");
          return { status: 204 };
        }
        const orderId = `${receipt[1]}-${receipt[2]}`;
        const reader = deps.sync.orders.etsy!;
        for (const tenant of await deps.accounts.tenantsOf('etsy', `shop:${parsed.data.shop_id}`)) {
          let lines;
          try {
            lines = (await reader.readOrder(await deps.sync.credentials.accessToken(tenant, 'etsy'), orderId)).lines;
          } catch (err) {
            deps.logger.warn({ err, tenant, order_id: orderId }, 'an Etsy receipt could not be read');
            throw new UnavailableError('The receipt could not be read from Etsy now: deliver again later', 'etsy_receipt_unavailable', 60);
          }
          await reportMarketplaceOrder(
            deps.sync,
            tenant,
            {
              marketplace: 'etsy',
              orderId,
              accountId: `shop:${parsed.data.shop_id}`,
              lines: lines.map((l) => ({ line_id: l.line_id, listing_id: l.listing_id, quantity: l.quantity, unit_price_cents: l.unit_price_cents, currency: l.currency })),
              via: 'webhook',
              notificationId: req.get('webhook-id') ?? null,
            },
            { event: { actor: 'marketplace:etsy', causation_id: req.get('webhook-id') } },
          );
        }
        return { status: 204 };
      },
    }),
  ];
}

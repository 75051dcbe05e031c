/*
 * eBay's notifications, at one endpoint for every seller: `POST /api/webhooks/ebay`, subscribed
 * to ORDER_CONFIRMATION and MARKETPLACE_ACCOUNT_DELETION, and `GET /api/webhooks/ebay?challenge_code=`,
 * eBay's validation of the endpoint. A push is believed only once its X-EBAY-SIGNATURE holds over
 * the bytes received (401 otherwise, nothing recorded), and acknowledged only once what it says
 * is appended to the log of each tenant the eBay account is connected to: an order's lines on the
 * order's stream (sync applies them), an account deletion as the eBay connection ended (tokens
 * destroyed). eBay delivers at least once, so the same notification twice records nothing new.
 * A signed message of a shape eBay does not document is acknowledged and logged with its reason,
 * since eBay would otherwise deliver it again for days.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/route';
import type { MarketplaceAccounts } from '../../infra/marketplace-accounts';
import type { Logger } from '../../infra/logger';
import { AuthError, NotFoundError, UnavailableError, ValidationError } from '../../shared/errors';
import type { CommandDeps } from '../command';
import { reportMarketplaceOrder } from './orders';

export const EBAY_WEBHOOK_PATH = '/api/webhooks/ebay';

export interface EbayWebhookDeps {
  commands: CommandDeps;
  /** Whether the bytes are signed by eBay (src/marketplaces/ebay/notifications.ts); throws when eBay cannot be asked. */
  verifier: { verify(body: Buffer, signatureHeader: string | undefined): Promise<boolean> };
  accounts: Pick<MarketplaceAccounts, 'tenantsOf'>;
  /** Ends the eBay connection of a tenant (tokens destroyed, the disconnection recorded). */
  disconnect(tenant: number, notificationId: string): Promise<void>;
  /** Whether EBAY_NOTIFICATION_VERIFICATION_TOKEN is set: without it the endpoint is not open. */
  configured: boolean;
  /** The answer to eBay's challenge (from the verification token and the endpoint), or null when the endpoint is not set up. */
  challengeResponse(challengeCode: string): string | null;
  logger: Logger;
}

const ID = z.string().regex(/^[A-Za-z0-9!_.-]{1,100}$/);

const envelope = z.object({
  metadata: z.object({ topic: z.string().max(100), schemaVersion: z.string().max(20).optional() }),
  notification: z.object({ notificationId: z.string().min(1).max(200), data: z.unknown() }),
});

const orderConfirmation = z.object({
  user: z.object({ userId: z.string().min(1).max(100), username: z.string().max(100).optional() }),
  order: z.object({
    orderId: ID,
    orderLineItems: z
      .array(z.object({ orderLineItemId: z.string().regex(/^\d{1,30}$/), listingId: z.string().regex(/^\d{1,30}$/), quantity: z.number().int().min(1).max(1_000_000) }))
      .min(1)
      .max(1000),
  }),
});

const accountDeletion = z.object({ userId: z.string().min(1).max(100), username: z.string().max(100).optional() });

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
}

export function ebayWebhookRoutes(deps: EbayWebhookDeps): AnyRoute[] {
  const notSetUp = () => new NotFoundError('eBay notifications are not set up on this server (EBAY_NOTIFICATION_VERIFICATION_TOKEN)', 'webhook_not_configured');
  return [
    defineRoute({
      method: 'get',
      path: EBAY_WEBHOOK_PATH,
      summary: "eBay's validation of the notification endpoint: answers the challenge",
      tags: ['Webhooks'],
      auth: false,
      query: z.object({ challenge_code: z.string().min(1).max(200) }).strict(),
      responses: {
        200: { description: 'hex SHA-256 of challenge code, verification token and endpoint', schema: z.object({ challengeResponse: z.string() }) },
        404: { description: 'eBay notifications are not set up on this server' },
      },
      handle: async ({ query }) => {
        const challengeResponse = deps.challengeResponse(query.challenge_code);
        if (challengeResponse === null) throw notSetUp();
        return { status: 200, body: { challengeResponse }, headers: { 'Cache-Control': 'no-store' } };
      },
    }),
    defineRoute({
      method: 'post',
      path: EBAY_WEBHOOK_PATH,
      summary: "eBay's notifications (ORDER_CONFIRMATION, MARKETPLACE_ACCOUNT_DELETION), signed with X-EBAY-SIGNATURE",
      tags: ['Webhooks'],
      auth: false,
      unstorableText: 'clean',
      headers: [{ name: 'X-EBAY-SIGNATURE', description: "eBay's ECDSA signature of the body", required: true }],
      responses: {
        204: { description: 'Recorded (or nothing to record): eBay stops delivering it' },
        401: { description: 'Unsigned, or not signed by eBay: nothing recorded' },
        404: { description: 'eBay notifications are not set up on this server' },
        503: { description: 'eBay could not be asked for its key: eBay delivers it again later' },
      },
      handle: async ({ req }) => {
        if (!deps.configured) throw notSetUp();
        const raw = (req as Request & { rawBody?: Buffer }).rawBody;
        if (!raw) throw new ValidationError([{ field: 'body', message: 'must be eBay’s JSON notification' }]);
        let genuine: boolean;
        try {
          genuine = await deps.verifier.verify(raw, req.get('x-ebay-signature'));
        } catch (err) {
          deps.logger.warn({ err }, "eBay's notification key could not be fetched");
          throw new UnavailableError("eBay's signing key could not be fetched: deliver again later", 'ebay_key_unavailable', 60);
        }
        if (!genuine) throw new AuthError('The notification is not signed by eBay', false, 'invalid_signature');

        const message = envelope.safeParse(req.body);
        if (!message.success) {
          deps.logger.warn({ reason: firstIssue(message.error) }, 'a signed eBay notification of an unknown shape was acknowledged and not recorded');
          return { status: 204 };
        }
        const { topic } = message.data.metadata;
        const { notificationId, data } = message.data.notification;
        if (topic === 'ORDER_CONFIRMATION') {
          const order = orderConfirmation.safeParse(data);
          if (!order.success) {
            deps.logger.warn({ notification_id: notificationId, reason: firstIssue(order.error) }, 'a signed eBay order notification of an unknown shape was acknowledged and not recorded');
            return { status: 204 };
          }
          const { user, order: o } = order.data;
          const tenants = await deps.accounts.tenantsOf('ebay', user.userId);
          for (const tenant of tenants) {
            await reportMarketplaceOrder(
              deps.commands,
              tenant,
              {
                marketplace: 'ebay',
                orderId: o.orderId,
                accountId: user.userId,
                lines: o.orderLineItems.map((l) => ({ line_id: l.orderLineItemId, listing_id: l.listingId, quantity: l.quantity })),
                via: 'webhook',
                notificationId,
              },
              { event: { actor: 'marketplace:ebay', causation_id: notificationId } },
            );
          }
          if (tenants.length === 0) deps.logger.info({ notification_id: notificationId, order_id: o.orderId }, 'an eBay order of an account no seller has connected');
          return { status: 204 };
        }
        if (topic === 'MARKETPLACE_ACCOUNT_DELETION') {
          const deletion = accountDeletion.safeParse(data);
          if (!deletion.success) {
            deps.logger.warn({ notification_id: notificationId, reason: firstIssue(deletion.error) }, 'a signed eBay account deletion of an unknown shape was acknowledged and not recorded');
            return { status: 204 };
          }
          for (const tenant of await deps.accounts.tenantsOf('ebay', deletion.data.userId)) await deps.disconnect(tenant, notificationId);
          return { status: 204 };
        }
        return { status: 204 };
      },
    }),
  ];
}

/*
 * The billing provider's webhooks: `POST /api/webhooks/billing`. A delivery is believed only once
 * its signature holds over the bytes received, within the provider's tolerance (401 otherwise,
 * nothing recorded); without BILLING_WEBHOOK_SECRET the endpoint does not exist (404). An event
 * handled before (by its id) is answered again without acting. The tenant is the one the
 * subscription names in its metadata, or the one its customer was seen paying for; a customer
 * no tenant is known for is acknowledged and recorded as ignored (the provider's account may
 * bill other things than Stoflow).
 */
import type { Request } from 'express';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../http/route';
import type { BillingRecords } from '../../infra/billing-records';
import type { Logger } from '../../infra/logger';
import type { BillingNotice, BillingProvider } from '../../shared/billing';
import { AuthError, NotFoundError, ValidationError } from '../../shared/errors';
import { recordPaymentFailure, syncBillingSubscription } from './billing';
import type { SubscriptionDeps } from './deps';

export const BILLING_WEBHOOK_PATH = '/api/webhooks/billing';

export interface BillingWebhookDeps {
  subscription: SubscriptionDeps;
  /** Null when BILLING_WEBHOOK_SECRET is unset. */
  provider: BillingProvider | null;
  records: BillingRecords;
  logger: Logger;
}

const answerSchema = z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string(), tenant_id: z.number().int().nullable() });

/** The tenant a notice is for, and the customer remembered for it. */
async function tenantOf(deps: BillingWebhookDeps, notice: Exclude<BillingNotice, { kind: 'ignored' }>): Promise<number | null> {
  const known = await deps.records.tenantOf(notice.provider, notice.customer_id);
  const named = notice.tenant_id;
  if (named === null) return known;
  if (!(await deps.records.tenantExists(named))) return null;
  if (known !== null && known !== named) {
    deps.logger.warn({ provider: notice.provider, event_id: notice.event_id, customer_id: notice.customer_id, named, known }, 'a billing customer names another tenant than the one it pays for: ignored');
    return null;
  }
  if (known === null) await deps.records.link(notice.provider, notice.customer_id, named);
  return named;
}

async function handle(deps: BillingWebhookDeps, notice: BillingNotice): Promise<{ outcome: string; tenant: number | null }> {
  if (notice.kind === 'ignored') return { outcome: `ignored: ${notice.reason}`, tenant: null };
  const tenant = await tenantOf(deps, notice);
  if (tenant === null) return { outcome: 'ignored: no Stoflow tenant for this customer', tenant: null };
  const events = notice.kind === 'subscription' ? await syncBillingSubscription(deps.subscription, tenant, notice) : await recordPaymentFailure(deps.subscription, tenant, notice);
  return { outcome: events.length > 0 ? `recorded: ${events.map((e) => e.type).join(', ')}` : 'nothing changed', tenant };
}

export function billingWebhookRoutes(deps: BillingWebhookDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: BILLING_WEBHOOK_PATH,
      summary: "The billing provider's webhooks (Stripe: customer.subscription.created/updated/deleted, invoice.payment_failed)",
      tags: ['Webhooks'],
      auth: false,
      headers: [{ name: 'Stripe-Signature', description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (several v1 while a secret rolls)', required: true }],
      responses: {
        200: { description: 'Handled, or handled before (`duplicate`), or acknowledged and ignored', schema: answerSchema },
        400: { description: 'The body is not a billing event' },
        401: { description: 'Unsigned, wrongly signed or too old: nothing recorded' },
        404: { description: 'Billing webhooks are not set up on this server (BILLING_WEBHOOK_SECRET)' },
        422: { description: "The subscription's price names no Stoflow plan: the provider delivers again once it does" },
      },
      handle: async ({ req }) => {
        const provider = deps.provider;
        if (!provider) throw new NotFoundError('Billing webhooks are not set up on this server (BILLING_WEBHOOK_SECRET)', 'webhook_not_configured');
        const raw = (req as Request & { rawBody?: Buffer }).rawBody;
        if (!raw) throw new ValidationError([{ field: 'body', message: 'must be the billing provider’s JSON event' }]);
        if (!provider.verify(req.get(provider.signatureHeader), raw, deps.subscription.clock.now())) {
          throw new AuthError(`The event is not signed with the endpoint's secret, or is too old (${provider.signatureHeader})`, false, 'invalid_signature');
        }
        const notice = provider.parse(req.body);
        if (!notice) throw new ValidationError([{ field: 'body', message: 'must be an event with id, type, created and data.object' }]);
        const before = await deps.records.handled(provider.name, notice.event_id);
        if (before !== null) return { status: 200, body: { received: true, duplicate: true, outcome: before, tenant_id: null } };
        const { outcome, tenant } = await handle(deps, notice);
        await deps.records.record(provider.name, notice.event_id, notice.event_type, tenant, outcome);
        if (outcome.startsWith('ignored')) deps.logger.info({ provider: provider.name, event_id: notice.event_id, type: notice.event_type, outcome }, 'a billing event was acknowledged and not acted on');
        return { status: 200, body: { received: true, duplicate: false, outcome, tenant_id: tenant } };
      },
    }),
  ];
}

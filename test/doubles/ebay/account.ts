/**
 * Account API v1.9.2 (/sell/account/v1): getFulfillmentPolicies, getPaymentPolicies,
 * getReturnPolicies (each with `marketplace_id` required), the single-policy gets, and
 * getPrivileges. Scopes: sell.account or sell.account.readonly.
 *
 * Responses are FulfillmentPolicyResponse / PaymentPolicyResponse / ReturnPolicyResponse:
 * `total` plus `fulfillmentPolicies` / `paymentPolicies` / `returnPolicies` (the pagination
 * fields are "for future use" and not returned). Errors: 20401 "Missing field {fieldName}.",
 * 20403 "Invalid {fieldName}.", 20404 "{fieldName} not found." (the getFulfillmentPolicy 404).
 * Assumption: getPrivileges answers a completed registration and a fixed monthly limit.
 */
import { Router, type Request } from 'express';
import { apiError } from './errors';
import { queryParam, userOf } from './http';
import { bearer, SCOPES } from './oauth';
import { currencyOf, money, type EbayState, type Json, type UserRecord } from './state';
import { MARKETPLACES } from './validation';

type Kind = { path: string; list: 'fulfillmentPolicies' | 'paymentPolicies' | 'returnPolicies'; id: string };
const KINDS: Kind[] = [
  { path: 'fulfillment_policy', list: 'fulfillmentPolicies', id: 'fulfillmentPolicyId' },
  { path: 'payment_policy', list: 'paymentPolicies', id: 'paymentPolicyId' },
  { path: 'return_policy', list: 'returnPolicies', id: 'returnPolicyId' },
];

export function accountRoutes(state: EbayState): Router {
  const router = Router();
  const read = bearer(state, 'user', SCOPES.account, SCOPES.accountRead);

  for (const kind of KINDS) {
    router.get(`/${kind.path}`, read, (req, res) => {
      const marketplaceId = marketplaceOf(req);
      const policies = userOf(res)[kind.list].filter((p) => p.marketplaceId === marketplaceId);
      res.json({ total: policies.length, [kind.list]: policies });
    });
    router.get(`/${kind.path}/:policyId`, read, (req, res) => {
      const policy = userOf(res)[kind.list].find((p) => p[kind.id] === req.params.policyId);
      if (!policy) throw apiError('API_ACCOUNT', 404, 20404, `${kind.id} not found.`, [{ name: 'fieldName', value: kind.id }]);
      res.json(policy);
    });
  }

  router.get('/privilege', read, (_req, res) => {
    const user: UserRecord = userOf(res);
    res.json({ sellerRegistrationCompleted: true, sellingLimit: { amount: money(25000, currencyOf(user.registrationMarketplaceId)), quantity: 1000 } } satisfies Json);
  });

  return router;
}

function marketplaceOf(req: Request): string {
  const marketplaceId = queryParam(req, 'marketplace_id');
  if (!marketplaceId) throw apiError('API_ACCOUNT', 400, 20401, 'Missing field marketplace_id.', [{ name: 'fieldName', value: 'marketplace_id' }]);
  if (!(MARKETPLACES as readonly string[]).includes(marketplaceId)) throw apiError('API_ACCOUNT', 400, 20403, 'Invalid marketplace_id.', [{ name: 'fieldName', value: 'marketplace_id' }]);
  return marketplaceId;
}

/**
 * Commerce Identity API, getUser (GET /commerce/identity/v1/user/; the OpenAPI document is
 * titled v2.0.0 with basePath /commerce/identity/v1). Real eBay serves it on apiz.ebay.com;
 * the double serves it on its one base URL.
 *
 * UserResponse: userId, username, accountType (INDIVIDUAL | BUSINESS), registrationMarketplaceId,
 * status; "the fields returned are controlled by the scopes": commerce.identity.readonly gives
 * the basic fields (and businessAccount for a business), the name/email scopes add
 * individualAccount's names and email.
 * Assumption: any one of the five identity scopes admits the call (the operation's `security`
 * lists them as alternatives); a token with none of them is a 403.
 */
import { Router } from 'express';
import { userOf } from './http';
import { bearer, SCOPES } from './oauth';
import type { AccessTokenRecord, EbayState, Json } from './state';

export function identityRoutes(state: EbayState): Router {
  const router = Router();
  router.get('/user', bearer(state, 'user', SCOPES.identity, SCOPES.identityName, SCOPES.identityEmail, SCOPES.identityAddress, SCOPES.identityPhone), (_req, res) => {
    const user = userOf(res);
    const scopes = (res.locals.token as AccessTokenRecord).scopes;
    const body: Json = { userId: user.userId, username: user.username, accountType: user.accountType, registrationMarketplaceId: user.registrationMarketplaceId, status: 'CONFIRMED' };
    if (user.accountType === 'BUSINESS' && scopes.includes(SCOPES.identity)) body.businessAccount = { name: `${user.username} Ltd`, email: user.email };
    const individual: Json = {};
    if (scopes.includes(SCOPES.identityName)) Object.assign(individual, { firstName: user.firstName, lastName: user.lastName });
    if (scopes.includes(SCOPES.identityEmail)) individual.email = user.email;
    if (user.accountType === 'INDIVIDUAL' && Object.keys(individual).length) body.individualAccount = individual;
    res.json(body);
  });
  return router;
}

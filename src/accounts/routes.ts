import type { AnyRoute } from '../http/route';
import type { AccountDeps } from './deps';
import { loginRoute } from './login';
import { logoutRoute } from './logout';
import { meRoute } from './me';
import { refreshRoute } from './refresh';
import { registerRoute } from './register';

export { bearerAuthenticator } from './authenticate';

/** Accounts: register, sign in, refresh, sign out, who am I. */
export function accountRoutes(services: AccountDeps): AnyRoute[] {
  return [registerRoute(services), loginRoute(services), refreshRoute(services), logoutRoute(services), meRoute(services.pool, services.subscriptionSummary)];
}

/*
 * Connecting a marketplace by OAuth consent. `GET …/connect` opens a consent: a single-use state
 * bound to the tenant and the user, valid ten minutes, and the marketplace's consent URL. The
 * marketplace sends the seller's browser back to `GET …/callback?code&state` without a bearer
 * token: the state names the tenant. The code is exchanged for tokens, the account and its
 * publishing options are read, the tokens are sealed and stored, then the grant is recorded as
 * an event. Tokens first: a grant recorded without its tokens would show a connection that
 * cannot call anything, while tokens stored without the event are only overwritten next time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MARKETPLACES, type Marketplace } from '../../domain/connection/connection';
import { defineRoute, type AnyRoute, type Reply } from '../../http/route';
import type { MarketplaceAuth } from '../../shared/marketplace-auth';
import { DomainRuleError, UnavailableError, UpstreamError, ValidationError } from '../../shared/errors';
import type { ConnectionDeps } from './deps';
import { runConnectionCommand } from './record-connection';

const CONSENT_TTL_MS = 10 * 60_000;

const marketplaceParams = z.object({ marketplace: z.enum(MARKETPLACES).describe('ebay, etsy or vinted') }).strict();

/** The marketplace's sign-in, or why it cannot be used. */
export function oauthOf(deps: Pick<ConnectionDeps, 'auth'>, marketplace: Marketplace): MarketplaceAuth {
  if (marketplace === 'vinted') {
    throw new DomainRuleError('Vinted has no open API: Stoflow works through the browser extension in your own Vinted session; pair it with POST /api/plugin/devices', 'connect_through_extension', 'marketplace');
  }
  const auth = deps.auth[marketplace];
  if (!auth) throw new UnavailableError(`${marketplace} is not available on this server`, 'marketplace_not_configured');
  if (auth.unavailable) throw new UnavailableError(`${marketplace} is not configured on this server: ${auth.unavailable}`, 'marketplace_not_configured');
  return auth;
}

/** A return address must be one of the allowed origins (an open redirect otherwise). */
function checkReturnTo(deps: Pick<ConnectionDeps, 'returnOrigins'>, returnTo: string | undefined): string | null {
  if (returnTo === undefined) return null;
  let origin: string;
  try {
    origin = new URL(returnTo).origin;
  } catch {
    throw new ValidationError([{ field: 'return_to', message: 'must be an absolute URL' }]);
  }
  if (!deps.returnOrigins.includes(origin)) throw new ValidationError([{ field: 'return_to', message: `must be on an allowed origin (${deps.returnOrigins.join(', ') || 'none is configured: CORS_ORIGINS'})` }], true);
  return returnTo;
}

export async function startConnection(deps: ConnectionDeps, tenant: number, userId: string, marketplace: Marketplace, returnTo?: string, site?: string) {
  const auth = oauthOf(deps, marketplace);
  if (site !== undefined && !auth.sites?.includes(site)) {
    throw new ValidationError([{ field: 'site', message: auth.sites ? `must be one of ${auth.sites.join(', ')}` : `${marketplace} has one site: leave it out` }]);
  }
  await deps.limits.assertMarketplaceRoom(tenant, marketplace);
  const back = checkReturnTo(deps, returnTo);
  const verifier = auth.usesPkce ? randomBytes(48).toString('base64url') : null;
  const { state, expiresAt } = await deps.states.create({ tenantId: tenant, userId, marketplace, verifier, returnTo: back, site: site ?? null }, CONSENT_TTL_MS);
  const codeChallenge = verifier === null ? undefined : createHash('sha256').update(verifier).digest('base64url');
  return { marketplace, authorization_url: auth.consentUrl({ state, codeChallenge }), state, expires_at: expiresAt.toISOString() };
}

export interface CallbackInput {
  code?: string;
  state: string;
  error?: string;
  error_description?: string;
}

export async function completeConnection(deps: ConnectionDeps, marketplace: Marketplace, input: CallbackInput, requestId: string) {
  const consent = await deps.states.take(input.state);
  if (!consent || consent.marketplace !== marketplace) {
    throw new ValidationError([{ field: 'state', message: 'is unknown, already used or expired: start the connection again' }]);
  }
  const fail = (error: Error) => Object.assign(error, { returnTo: consent.returnTo });
  if (input.error !== undefined || !input.code) {
    throw fail(new DomainRuleError(`The ${marketplace} consent was not given${input.error ? ` (${input.error}${input.error_description ? `: ${input.error_description}` : ''})` : ''}`, 'consent_declined', 'code'));
  }
  const auth = oauthOf(deps, marketplace);
  // Another marketplace may have been connected since the consent began.
  await deps.limits.assertMarketplaceRoom(consent.tenantId, marketplace).catch((err: unknown) => {
    throw fail(err as Error);
  });
  let grant;
  let described;
  try {
    grant = await auth.exchangeCode(input.code, consent.verifier ?? undefined);
    described = await auth.describe(grant.accessToken, consent.site ?? null);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw fail(new UpstreamError(`${marketplace} did not complete the connection: ${message}`, 'marketplace_error'));
  }
  await deps.credentials.save(consent.tenantId, marketplace, described.account.id, grant);
  const metadata = { event: { actor: consent.userId, request_id: requestId, correlation_id: requestId } };
  const outcome = await runConnectionCommand(
    deps,
    consent.tenantId,
    { type: 'RecordConnection', marketplace, account: described.account, scopes: grant.scopes, site: described.site, options: described.options, now: deps.clock.now() },
    metadata,
  ).catch(async (err: unknown) => {
    // Refused in the append (the plan's cap, reached meanwhile): the tokens just stored go too.
    if ((err as { kind?: string }).kind === 'plan_limit') await deps.credentials.remove(consent.tenantId, marketplace);
    throw fail(err as Error);
  });
  // From now on the marketplace's notifications about this account reach this tenant.
  // Etsy's webhooks name the shop, eBay's notifications the user: both route here.
  await deps.accounts.link(marketplace, [described.account.id, ...(described.account.shop_id ? [`shop:${described.account.shop_id}`] : [])], consent.tenantId);
  return { consent, answer: { marketplace, status: 'connected' as const, account: { id: described.account.id, name: described.account.name }, settings: outcome.state.settings, options: outcome.state.options } };
}

function withReturn(returnTo: string, params: Record<string, string>): string {
  const url = new URL(returnTo);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export function connectionRoutes(deps: ConnectionDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/integrations/{marketplace}/connect',
      summary: 'Start connecting a marketplace account: the consent URL to open in the browser',
      tags: ['Integrations'],
      params: marketplaceParams,
      query: z
        .object({
          return_to: z.string().max(2000).optional().describe('Where to send the browser once done (an allowed origin)'),
          site: z.string().max(20).optional().describe("eBay: the marketplace to sell on (EBAY_FR, EBAY_DE, EBAY_GB…); the server's EBAY_MARKETPLACE_ID when left out"),
        })
        .strict(),
      responses: {
        200: { description: 'Open authorization_url; the state is single-use and expires in 10 minutes', schema: z.object({ marketplace: z.string(), authorization_url: z.string(), state: z.string(), expires_at: z.string() }) },
        403: { description: "The plan's marketplace cap is reached: the limit, the usage and the plan that would allow it are named" },
        422: { description: 'Vinted connects through the extension, or return_to is not allowed' },
        503: { description: 'The marketplace is not configured on this server' },
      },
      handle: async ({ params, query, auth }) => ({ status: 200, body: await startConnection(deps, auth.tenantId, auth.userId, params.marketplace, query.return_to, query.site), headers: { 'Cache-Control': 'no-store' } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/integrations/{marketplace}/callback',
      summary: 'Where the marketplace sends the browser back after the consent (no bearer token: the state authenticates)',
      tags: ['Integrations'],
      auth: false,
      params: marketplaceParams,
      query: z
        .object({
          code: z.string().min(1).max(4000).optional(),
          state: z.string().min(1).max(200),
          error: z.string().max(200).optional(),
          error_description: z.string().max(1000).optional(),
          // eBay adds the code's lifetime.
          expires_in: z.string().max(20).optional(),
        })
        .strict(),
      responses: {
        200: { description: 'Connected (or 303 to return_to with ?marketplace=&status=connected)' },
        400: { description: 'The state is unknown, used or expired' },
        403: { description: "The plan's marketplace cap was reached since the consent began" },
        422: { description: 'The seller declined the consent' },
        502: { description: 'The marketplace failed to complete the exchange' },
      },
      handle: async ({ params, query, requestId }): Promise<Reply> => {
        try {
          const { consent, answer } = await completeConnection(deps, params.marketplace, query, requestId);
          if (consent.returnTo) return { status: 303, headers: { Location: withReturn(consent.returnTo, { marketplace: answer.marketplace, status: 'connected' }), 'Cache-Control': 'no-store' } };
          return { status: 200, body: answer, headers: { 'Cache-Control': 'no-store' } };
        } catch (err) {
          const returnTo = (err as { returnTo?: string | null }).returnTo;
          if (returnTo) return { status: 303, headers: { Location: withReturn(returnTo, { marketplace: params.marketplace, status: 'failed', error: (err as { code?: string }).code ?? 'failed' }) } };
          throw err;
        }
      },
    }),
  ];
}

/*
 * `POST /api/plugin/session`: the extension, signed in to Vinted in the seller's browser, says
 * which Vinted member it acts for. That is the Vinted connection, recorded on the connection
 * stream like any other marketplace's (RecordConnection), so GET /api/integrations shows it.
 * The extension says it again at every start: the same member on the same site records nothing
 * new. Another member while one is connected is refused (409) by the connection's decider, and
 * the device gets no work until it is signed in as the connected member (paired.ts).
 */
import { z } from 'zod';
import { defineRoute, type AnyRoute, type AuthContext, type RouteAuthenticator } from '../../http/route';
import type { CommandDeps, CommandMetadata } from '../command';
import { requestEventMetadata } from '../command-route';
import { runConnectionCommand } from '../connections/record-connection';
import type { Queryable } from '../../infra/db/postgres';
import type { PlanLimits } from '../../shared/plan-limits';
import { recordDeviceMember, vintedConnection } from './paired';

/** Vinted's sites, by the end of their domain (vinted.fr, vinted.co.uk → uk). */
export const VINTED_SITES = ['fr', 'be', 'nl', 'lu', 'es', 'it', 'pt', 'de', 'at', 'pl', 'cz', 'sk', 'lt', 'lv', 'ee', 'hu', 'ro', 'hr', 'fi', 'se', 'dk', 'gr', 'ie', 'uk'] as const;

export const sessionBody = z
  .object({
    vinted_member_id: z.string().regex(/^[0-9]{1,20}$/, "the member's numeric Vinted id"),
    vinted_login: z.string().trim().min(1).max(100),
    site: z.enum(VINTED_SITES),
  })
  .strict();
export type ExtensionSession = z.infer<typeof sessionBody>;

/** Pairing needs the write path and where devices are (to remember which member each is signed in as). */
export type PairingDeps = CommandDeps & { pool: Queryable; limits: PlanLimits };

export async function pairExtension(deps: PairingDeps, tenant: number, deviceId: string, session: ExtensionSession, metadata: CommandMetadata) {
  // Remembered whatever comes next: a device signed in as another member must get no work.
  await recordDeviceMember(deps.pool, deviceId, session.vinted_member_id);
  const answer = { marketplace: 'vinted' as const, status: 'connected' as const, account: { id: session.vinted_member_id, name: session.vinted_login }, site: session.site };
  const state = await vintedConnection(deps.store, tenant);
  if (state.status === 'connected' && state.account?.id === session.vinted_member_id && state.account.name === session.vinted_login && state.site === session.site) return answer;
  await deps.limits.assertMarketplaceRoom(tenant, 'vinted');
  await runConnectionCommand(
    deps,
    tenant,
    { type: 'RecordConnection', marketplace: 'vinted', account: answer.account, scopes: [], site: session.site, options: {}, now: deps.clock.now() },
    metadata,
  );
  return answer;
}

export function deviceEventMetadata(auth: AuthContext, requestId: string, req: Parameters<typeof requestEventMetadata>[2]): CommandMetadata {
  return { event: { ...requestEventMetadata(auth, requestId, req), device_id: auth.deviceId } };
}

export function pairExtensionRoute(deps: PairingDeps, device: RouteAuthenticator): AnyRoute {
  return defineRoute({
    method: 'post',
    path: '/api/plugin/session',
    summary: 'The Vinted member the extension acts for: connects Vinted',
    tags: ['Vinted extension'],
    authenticator: device,
    body: sessionBody,
    responses: {
      200: {
        description: 'Vinted is connected to this member',
        schema: z.object({ marketplace: z.literal('vinted'), status: z.literal('connected'), account: z.object({ id: z.string(), name: z.string() }), site: z.string() }),
      },
      403: { description: "The plan's marketplace cap is reached: the limit, the usage and the plan that would allow it are named" },
      409: { description: 'Vinted is connected to another member: disconnect it first' },
    },
    handle: async ({ body, auth, requestId, req }) => ({ status: 200, body: await pairExtension(deps, auth.tenantId, auth.deviceId!, body, deviceEventMetadata(auth, requestId, req)) }),
  });
}

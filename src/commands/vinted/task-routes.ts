/*
 * The extension's side of the queue: `GET /api/plugin/tasks?wait=30` long-polls for the next
 * task and leases it to the calling device; `POST /api/plugin/tasks/{id}/result` reports on it.
 *
 * A wait holds no database connection: between looks at the queue the request sleeps on a timer
 * and the tenant's wake-ups (a task enqueued, a slot freed), until the next moment something
 * could be due, or the wait is over. A client that goes away ends the wait; a task leased at the
 * very moment it went is put back. A stopping process answers every wait at once (204).
 */
import { z } from 'zod';
import { defineRoute, type AnyRoute, type RouteAuthenticator } from '../../http/route';
import type { VintedTaskRouteDeps } from './deps';
import { leaseVintedTask, releaseVintedLease } from './lease-task';
import { assertActsForConnectedMember } from './paired';
import { reportVintedTaskResult } from './report-result';
import { withPhotoLinks, type ReportedResult, type VintedTask } from './tasks';

const MAX_WAIT_SECONDS = 30;
/** Something due in a few milliseconds is looked at after a short sleep, never in a busy loop. */
const MIN_SLEEP_MS = 25;

export const leasedTaskSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['publish', 'update', 'delete', 'sync_wardrobe', 'sync_sales']),
  listing_id: z.uuid().nullable(),
  payload: z.record(z.string(), z.unknown()),
  attempt: z.number().int().describe('1 for the first hand-out; more means an earlier attempt may have reached Vinted: check before publishing again'),
  not_before: z.string(),
  lease_expires_at: z.string(),
  expires_at: z.string().nullable(),
});

function represent(task: VintedTask, photoLink: (file: string) => string): z.infer<typeof leasedTaskSchema> {
  return {
    id: task.id,
    kind: task.kind,
    listing_id: task.listingId,
    payload: withPhotoLinks(task.payload, photoLink),
    attempt: task.attempts,
    not_before: task.notBefore.toISOString(),
    lease_expires_at: task.leaseExpiresAt!.toISOString(),
    expires_at: task.expiresAt?.toISOString() ?? null,
  };
}

const vintedItemId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Vinted item id');

export const resultBody = z.discriminatedUnion('ok', [
  z
    .object({
      ok: z.literal(true),
      vinted_item_id: vintedItemId.optional(),
      url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
      observed: z
        .record(z.string().max(100), z.unknown())
        .refine((o) => JSON.stringify(o).length <= 64_000, 'must be at most 64,000 characters of JSON')
        .optional()
        .describe('What the extension saw while doing it (the item as Vinted shows it)'),
    })
    .strict(),
  z
    .object({
      ok: z.literal(false),
      status: z.number().int().min(0).max(999).optional().describe("Vinted's HTTP status, if it answered"),
      body: z.string().max(4000).optional().describe("Vinted's answer, cut to 4,000 characters"),
      retryable: z.boolean().describe('Whether trying again later could work (a timeout, a 5xx, a 403 block) or never will (a refused item)'),
    })
    .strict(),
]);

export function vintedTaskRoutes(deps: VintedTaskRouteDeps, device: RouteAuthenticator): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/plugin/tasks',
      summary: 'The next task for this device, leased to it (long-poll: waits up to `wait` seconds for one)',
      tags: ['Vinted extension'],
      authenticator: device,
      query: z.object({ wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).default(0).describe('Seconds to wait for a task (0–30)') }).strict(),
      responses: {
        200: { description: 'A task, leased to this device until lease_expires_at: report on it before then', schema: leasedTaskSchema },
        204: { description: 'Nothing is due within the wait: poll again' },
        401: { description: 'Unknown or revoked device token' },
        409: { description: 'Vinted is not connected, or this device is not signed in as the connected member (POST /api/plugin/session)' },
      },
      handle: async ({ query, auth, res }) => {
        const tenant = auth.tenantId;
        const deviceId = auth.deviceId!;
        await assertActsForConnectedMember(deps, tenant, deviceId);
        const stop = new AbortController();
        let gone = false;
        const onClose = () => {
          gone = true;
          stop.abort();
        };
        res.on('close', onClose);
        const deadline = setTimeout(() => stop.abort(), query.wait * 1000);
        if (query.wait === 0) stop.abort();
        try {
          for (;;) {
            const mark = deps.wakeups.mark(tenant);
            const outcome = await leaseVintedTask(deps, tenant, deviceId);
            if (outcome.task) {
              if (!gone) return { status: 200, body: represent(outcome.task, deps.photoLink), headers: { 'Cache-Control': 'no-store' } };
              await releaseVintedLease(deps, tenant, outcome.task.id, deviceId);
              return undefined;
            }
            if (gone) return undefined;
            if (stop.signal.aborted) return { status: 204, headers: { 'Cache-Control': 'no-store' } };
            const untilDue = outcome.retryAt ? outcome.retryAt.getTime() - deps.clock.now().getTime() : Infinity;
            const open = await deps.wakeups.wait(tenant, mark, Math.max(MIN_SLEEP_MS, Math.min(untilDue, MAX_WAIT_SECONDS * 1000)), stop.signal);
            if (!open) return { status: 204, headers: { 'Cache-Control': 'no-store' } };
          }
        } finally {
          clearTimeout(deadline);
          res.off('close', onClose);
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/plugin/tasks/{id}/result',
      summary: 'Report how a leased task went (only the device holding the lease)',
      tags: ['Vinted extension'],
      authenticator: device,
      // Vinted's own answer comes in the body: cleaned, so the outcome is recorded whatever it says.
      unstorableText: 'clean',
      params: z.object({ id: z.uuid() }).strict(),
      body: resultBody,
      responses: {
        200: {
          description: 'Recorded: the task is succeeded, failed, or queued again for later (`not_before`); `duplicate` when this same report was already recorded',
          schema: z.object({ id: z.uuid(), state: z.enum(['succeeded', 'failed', 'queued', 'leased', 'expired', 'cancelled']), attempts: z.number().int(), not_before: z.string(), duplicate: z.boolean() }),
        },
        404: { description: 'No such task for this account' },
        409: { description: 'The task is not leased to this device (its lease ran out, or another device holds it)' },
      },
      handle: async ({ params, body, auth }) => {
        const { task, duplicate } = await reportVintedTaskResult(deps, auth.tenantId, auth.deviceId!, params.id, body as ReportedResult);
        return { status: 200, body: { id: task.id, state: task.state, attempts: task.attempts, not_before: task.notBefore.toISOString(), duplicate } };
      },
    }),
  ];
}

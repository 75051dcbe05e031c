/*
 * Group commit across tenants, for appends that go in a transaction (inline read models, units
 * that stand or fall together). The per-tenant queue (postgres-append-queue.ts) already makes one
 * call of everything a tenant has waiting; this makes one transaction of the calls of several
 * tenants that are ready at the same time: one begin, one commit, one WAL flush (and one turn of
 * PostgreSQL's commit-time lock for NOTIFY, which every notifying commit of the server takes in
 * turn) for all of them.
 *
 * Calls wait in lanes (the tenant's home group of connections, so a transaction stays on
 * connections that know its tenants). A lane runs at most `inFlight` transactions at a time; a
 * call that arrives while the lane is full waits, and the next transaction takes every call that
 * waits (up to `maxTenants`): an idle lane sends a lone call at once, so nobody waits for company.
 * The transaction takes the tenants' locks in ascending tenant order, whoever runs it, so two
 * transactions never wait for each other's tenants.
 *
 * When a transaction fails as a whole (a read model refuses an append, a dropped connection),
 * nothing of it is kept and each of its calls runs again alone, so only the one at fault fails.
 *
 * Roles: appends and their inline read models run as the connection's own (app) role, alone or
 * grouped, and every statement names its tenant's schema. A shared transaction never switches
 * to a tenant's role or path (that is withTenant's, a transaction of its own, never grouped), so
 * nothing one tenant's part sets can reach another's, and the tenant-role work (tokens, the
 * Vinted queue) is untouched by grouping.
 */
import type { TenantId } from './types';

export interface CommitGroupLimits {
  /** Tenants per transaction (default 16; 1 turns the grouping off). */
  maxTenants?: number;
}

export interface GroupMember<W> {
  tenant: TenantId;
  work: W;
}

/** One transaction for every member; answers in the members' order. Throws when it failed as a whole. */
export type RunGroup<W, R> = (members: GroupMember<W>[]) => Promise<R[]>;

interface Waiting<W, R> extends GroupMember<W> {
  solo: boolean;
  resolve(answer: R): void;
  reject(error: unknown): void;
}

interface Lane<W, R> {
  waiting: Waiting<W, R>[];
  running: number;
}

export interface CommitGroups<W, R> {
  /** `lane`: where the call waits; `inFlight`: how many transactions that lane may run at once. */
  submit(lane: number, inFlight: number, tenant: TenantId, work: W): Promise<R>;
}

export function createCommitGroups<W, R>(run: RunGroup<W, R>, limits: CommitGroupLimits = {}): CommitGroups<W, R> {
  const maxTenants = Math.max(1, limits.maxTenants ?? 16);
  const lanes = new Map<number, Lane<W, R>>();

  /** The next transaction's calls, in arrival order, one per tenant; the rest wait. */
  function take(lane: Lane<W, R>): Waiting<W, R>[] {
    if (lane.waiting[0]?.solo) return lane.waiting.splice(0, 1);
    const group: Waiting<W, R>[] = [];
    const rest: Waiting<W, R>[] = [];
    const tenants = new Set<TenantId>();
    for (const item of lane.waiting) {
      if (group.length < maxTenants && !item.solo && !tenants.has(item.tenant)) {
        group.push(item);
        tenants.add(item.tenant);
      } else {
        rest.push(item);
      }
    }
    lane.waiting.splice(0, lane.waiting.length, ...rest);
    return group;
  }

  function pump(key: number, lane: Lane<W, R>, inFlight: number): void {
    while (lane.waiting.length > 0 && lane.running < inFlight) {
      const group = take(lane);
      lane.running++;
      run(group.map(({ tenant, work }) => ({ tenant, work })))
        .then(
          (answers) => group.forEach((item, i) => item.resolve(answers[i]!)),
          (error: unknown) => {
            if (group.length === 1) group[0]!.reject(error);
            else lane.waiting.unshift(...group.map((item) => ({ ...item, solo: true })));
          },
        )
        .finally(() => {
          lane.running--;
          if (lane.waiting.length > 0) pump(key, lane, inFlight);
          else if (lane.running === 0) lanes.delete(key);
        });
    }
  }

  return {
    submit(key, inFlight, tenant, work) {
      return new Promise<R>((resolve, reject) => {
        let lane = lanes.get(key);
        if (!lane) {
          lane = { waiting: [], running: 0 };
          lanes.set(key, lane);
        }
        lane.waiting.push({ tenant, work, solo: false, resolve, reject });
        pump(key, lane, Math.max(1, inFlight));
      });
    },
  };
}

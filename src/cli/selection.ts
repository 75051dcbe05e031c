import type { Command } from 'commander';
import type { Projection } from '../engine/projection';
import { listTenantIds } from '../infra/db/migrator';
import { UsageError, list, tenantId } from './command';
import type { Session } from './session';

/** `--tenant N` (repeatable) or `--all`, and `--projection NAME` (repeatable): replay and verify. */
export interface Selection {
  tenant?: number[];
  all?: boolean;
  projection?: string[];
}

export function selectionOptions(command: Command): Command {
  return command
    .option('--tenant <n>', 'a tenant (repeatable: --tenant 3 --tenant 7)', list(tenantId('--tenant')))
    .option('--all', 'every tenant')
    .option('--projection <name>', 'only this read model (repeatable; default: all of them)', list());
}

export async function selectTenants(session: Session, selection: Selection): Promise<number[]> {
  const named = selection.tenant ?? [];
  const all = selection.all === true;
  if (all === named.length > 0) throw new UsageError('Name the tenants with --tenant N, or take every tenant with --all');
  if (!all) {
    const ids = [...new Set(named)];
    for (const id of ids) await session.requireTenant(id);
    return ids;
  }
  return listTenantIds(await session.knex());
}

export function selectProjections(selection: Selection, registered: readonly Projection[]): Projection[] {
  const names = selection.projection ?? [];
  if (names.length === 0) return [...registered];
  const unknown = names.filter((n) => !registered.some((p) => p.name === n));
  if (unknown.length > 0) {
    const known = registered.map((p) => p.name).join(', ') || 'none registered';
    throw new UsageError(`Unknown projection ${unknown.join(', ')} (known: ${known})`);
  }
  return registered.filter((p) => names.includes(p.name));
}

/**
 * Runs `work` for every read model of every tenant, one at a time (gentle on a live service),
 * with one progress bar over all of it. Progress is measured in log positions: each rebuild walks
 * its tenant's log from 0 to the head, whatever share of the events its read model handles.
 */
export async function eachReadModel<T>(
  session: Session,
  label: string,
  tenants: readonly number[],
  projections: readonly Projection[],
  work: (tenant: number, projection: Projection, onProgress: (position: bigint) => void) => Promise<T>,
): Promise<T[]> {
  const { eventStore } = await session.services();
  const heads = new Map<number, number>();
  for (const tenant of tenants) heads.set(tenant, Number(await eventStore.head(tenant)));
  const total = [...heads.values()].reduce((sum, head) => sum + head, 0) * projections.length;
  const progress = session.progress(label, { total, unit: 'events' });
  const results: T[] = [];
  let finished = 0;
  for (const tenant of tenants) {
    for (const projection of projections) {
      results.push(await work(tenant, projection, (position) => progress.update(finished + Number(position))));
      finished += heads.get(tenant) ?? 0;
      progress.update(finished);
    }
  }
  progress.finish();
  return results;
}

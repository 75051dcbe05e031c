import type { EventStore, InlineProjector, RecordedEvent } from '../eventstore/types';
import type { Queryable } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import { lockCheckpoint, saveCheckpoint } from './checkpoints';
import { handledBy, tablesOf, type InlineGuard, type Projection } from './projection';

/**
 * Applies the `inline` read models inside the append transaction, so the command's answer is
 * visible to the next query. Appends of a tenant are serialised by the store, and the checkpoint
 * row is locked here too, so a runner catching the same projection up never interleaves with us.
 * A projection whose checkpoint is behind (new, or rebuilt without these events) first takes the
 * events it missed from the log, inside the same transaction.
 *
 * The checkpoint moves to the last position of the append (`span`), past the events of other
 * types the append wrote alongside (a SKU reservation): the next append then finds the checkpoint
 * right before its own first position and has nothing to look for.
 *
 * Guards (plan limits) run before the read models move and may refuse the append.
 */
export function createInlineProjector(projections: readonly Projection[], tenancy: Tenancy, log: () => Pick<EventStore, 'readLog'>, guards: readonly InlineGuard[] = []): InlineProjector {
  const inline = projections.filter((p) => p.consistency === 'inline');
  const types = new Set([...inline.flatMap((p) => p.handles), ...guards.flatMap((g) => g.handles)]);
  return {
    handles: (type) => types.has(type),
    async project(tx: Queryable, tenant: number, events: RecordedEvent[], span?: { first: bigint; last: bigint }): Promise<void> {
      const schema = tenancy.schema(tenant);
      // The rules first, over the read models as they stand before this append.
      for (const guard of guards) {
        const handled = handledBy(guard, events);
        if (handled.length > 0) await guard.check(tx, schema, handled);
      }
      // Every position from `first` on is this append's, up to `through`.
      const first = span && span.first < events[0]!.position ? span.first : events[0]!.position;
      const last = events[events.length - 1]!.position;
      const through = span && span.last > last ? span.last : last;
      for (const projection of inline) {
        const handled = handledBy(projection, events);
        if (handled.length === 0) continue;
        const checkpoint = await lockCheckpoint(tx, schema, projection.name);
        if (checkpoint >= last) continue; // already applied (a replayed append)
        const missed = checkpoint < first - 1n && (await missedAny(tx, schema, projection, checkpoint, first)) ? await missedEvents(log(), tenant, projection, checkpoint, first) : [];
        await projection.apply(tx, tablesOf(projection, schema), [...missed, ...handled.filter((e) => e.position > checkpoint)]);
        await saveCheckpoint(tx, schema, projection.name, through);
      }
    },
  };
}

/** A cheap check on the append's own connection; the full read (rare) goes through the store. */
async function missedAny(tx: Queryable, schema: string, projection: Projection, after: bigint, before: bigint): Promise<boolean> {
  const { rows } = await tx.query<{ missed: boolean }>(
    `select exists (select 1 from "${schema}".events where position > $1 and position < $2 and type = any($3::text[])) as missed`,
    [after.toString(), before.toString(), projection.handles],
  );
  return rows[0]?.missed === true;
}

/** Committed events (appends are serialised, so everything below `before` is) the projection missed. */
async function missedEvents(log: Pick<EventStore, 'readLog'>, tenant: number, projection: Projection, after: bigint, before: bigint): Promise<RecordedEvent[]> {
  const missed: RecordedEvent[] = [];
  let from = after;
  for (;;) {
    const page = await log.readLog(tenant, from, 1000, projection.handles);
    const below = page.filter((e) => e.position < before);
    missed.push(...below);
    if (below.length < 1000) return missed;
    from = below[below.length - 1]!.position;
  }
}

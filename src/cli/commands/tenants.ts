import { command, defineCommand, examples, EXIT } from '../command';
import { table } from '../format';
import type { Session } from '../session';

interface TenantSummary {
  tenant: number;
  name: string | null;
  schema: string;
  status: string;
  users: number;
  events: number | null;
  head: bigint | null;
  last_event_at: Date | null;
  error?: string;
}

interface TenantRow {
  id: number;
  business_name: string | null;
  schema_name: string;
  status: string;
  users: number;
}

/**
 * Events are counted from the stream heads (a stream at version n holds n events), so the count
 * costs one row per stream rather than a scan of the log.
 */
async function logFigures(session: Session, tenant: number): Promise<Pick<TenantSummary, 'events' | 'head' | 'last_event_at'>> {
  const { pool, eventStore, tenancy } = await session.services();
  if (eventStore.backend !== 'postgres') return { events: null, head: await eventStore.head(tenant), last_event_at: null };
  const { rows } = await pool.query<{ events: number | string; head: number | string | null; last_event_at: Date | null }>(
    `select (select coalesce(sum(version), 0) from ${tenancy.table(tenant, 'streams')}) as events,
            last.position as head, last.recorded_at as last_event_at
       from (select 1) one
       left join lateral (select position, recorded_at from ${tenancy.table(tenant, 'events')} order by position desc limit 1) last on true`,
  );
  const row = rows[0]!;
  return { events: Number(row.events), head: row.head === null ? 0n : BigInt(row.head), last_event_at: row.last_event_at };
}

export const tenantsCommand = defineCommand<[]>({
  declare: () =>
    command('tenants', 'Tenants with their schema, user count, event count and last event time', '[--json]').addHelpText(
      'after',
      examples('stoflow tenants', "stoflow tenants --json | jq '.[] | select(.events > 0) | .tenant'"),
    ),
  async run(session) {
    const { pool } = await session.services();
    let tenants: TenantRow[];
    try {
      tenants = (
        await pool.query<TenantRow>(
          `select t.id, t.business_name, t.schema_name, t.status,
                  (select count(*) from public.users u where u.tenant_id = t.id)::int as users
             from public.tenants t order by t.id`,
        )
      ).rows;
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') {
        session.note('This database has no Stoflow tables yet: run `stoflow migrate` first');
        return EXIT.usage;
      }
      throw err;
    }
    const progress = session.progress('tenants', { total: tenants.length, unit: 'tenants' });
    const summaries: TenantSummary[] = [];
    // A few tenants at a time: enough to hide round trips, few enough to leave the pool to others.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(4, tenants.length) }, async () => {
        while (next < tenants.length) {
          const t = tenants[next++]!;
          const base = { tenant: t.id, name: t.business_name, schema: t.schema_name, status: t.status, users: t.users };
          try {
            summaries.push({ ...base, ...(await logFigures(session, t.id)) });
          } catch (err) {
            summaries.push({ ...base, events: null, head: null, last_event_at: null, error: err instanceof Error ? err.message : String(err) });
          }
          progress.advance();
        }
      }),
    );
    progress.finish();
    summaries.sort((a, b) => a.tenant - b.tenant);
    if (session.json) {
      await session.out.json(summaries);
      return EXIT.ok;
    }
    if (summaries.length === 0) {
      await session.out.line('No tenants yet.');
      return EXIT.ok;
    }
    await session.out.line(
      table<TenantSummary>(
        [
          { header: 'TENANT', value: (r) => r.tenant, align: 'right' },
          { header: 'NAME', value: (r) => r.name },
          { header: 'SCHEMA', value: (r) => r.schema },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'USERS', value: (r) => r.users, align: 'right' },
          { header: 'EVENTS', value: (r) => r.events, align: 'right' },
          { header: 'LAST EVENT', value: (r) => r.error ?? r.last_event_at },
        ],
        summaries,
      ),
    );
    return EXIT.ok;
  },
});

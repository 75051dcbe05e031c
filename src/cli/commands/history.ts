import { command, defineCommand, examples, EXIT, tenantId } from '../command';
import { describeChanges, streamOf, timeline, type TimelineEntry } from '../changes';
import { table } from '../format';
import type { Session } from '../session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Actors are user ids; support staff read emails. */
async function actorEmails(session: Session, entries: readonly TimelineEntry[]): Promise<Map<string, string>> {
  const ids = [...new Set(entries.map((e) => e.event.metadata.actor).filter((a): a is string => typeof a === 'string' && UUID.test(a)))];
  if (ids.length === 0) return new Map();
  const { pool } = await session.services();
  const { rows } = await pool.query<{ id: string; email: string }>('select id, email from public.users where id = any($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r.email]));
}

export const historyCommand = defineCommand<[number, string]>({
  declare: () =>
    command(
      'history',
      "A stream's events as a timeline: version, time, type, actor, the fields that changed",
      '<tenant> <product-id|stream> [--json]',
      'A product id stands for its stream (product-<id>); any other stream can be named as is. For products, "changes" compares the product before and after each event.',
    )
      .argument('<tenant>', 'the tenant id (see stoflow tenants)', tenantId())
      .argument('<product-id|stream>', 'a product id, or the name of any stream')
      .addHelpText('after', examples('stoflow history 7 0b6d51f2-6f0e-4a43-9a5e-0f1f7c1e2d3a', 'stoflow history 7 reactions-stock-depleted --json')),
  async run(session, [tenant, productOrStream]) {
    const stream = streamOf(productOrStream);
    await session.requireTenant(tenant);
    const { eventStore } = await session.services();
    const entries = timeline(stream, await eventStore.readStream(tenant, stream));
    if (entries.length === 0) {
      session.note(`Tenant ${tenant} has no events in stream ${stream}`);
      if (session.json) await session.out.json({ tenant, stream, events: [] });
      return EXIT.finding;
    }
    const emails = await actorEmails(session, entries);
    const actorOf = (e: TimelineEntry) => (typeof e.event.metadata.actor === 'string' ? e.event.metadata.actor : null);
    if (session.json) {
      await session.out.json({
        tenant,
        stream,
        events: entries.map((e) => ({
          version: e.event.streamVersion,
          position: e.event.position,
          at: e.at.toISOString(),
          recorded_at: e.event.recordedAt.toISOString(),
          type: e.event.type,
          actor: actorOf(e),
          actor_email: emails.get(actorOf(e) ?? '') ?? null,
          changes: e.changes,
          data: e.event.data,
          metadata: e.event.metadata,
        })),
      });
      return EXIT.ok;
    }
    await session.out.line(`Tenant ${tenant}, stream ${stream}: ${entries.length} event${entries.length === 1 ? '' : 's'}\n`);
    await session.out.line(
      table<TimelineEntry>(
        [
          { header: 'VERSION', value: (e) => e.event.streamVersion, align: 'right' },
          { header: 'TIME', value: (e) => e.at },
          { header: 'TYPE', value: (e) => e.event.type },
          { header: 'ACTOR', value: (e) => emails.get(actorOf(e) ?? '') ?? actorOf(e) ?? 'system' },
          { header: 'CHANGES', value: (e) => describeChanges(e.changes) },
        ],
        entries,
      ),
    );
    return EXIT.ok;
  },
});

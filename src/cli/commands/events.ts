import { subscribe } from '../../eventstore/subscribe';
import { command, defineCommand, examples, EXIT, integer, list, position, tenantId } from '../command';
import { eventLine } from '../event-line';

const PAGE = 1000;

interface EventsOptions {
  from?: bigint;
  follow?: boolean;
  type?: string[];
  correlation?: string;
  limit?: number;
}

export const eventsCommand = defineCommand<[number], EventsOptions>({
  declare: () =>
    command(
      'events',
      "The tenant's log as JSON lines, following live with --follow",
      '<tenant> [--from POSITION] [--follow] [--type T] [--correlation ID] [--limit N]',
      'One JSON object per line: position, stream, version, id, type, schema_version, data, metadata, recorded_at. Without --follow, stops at the head of the log as it was when the command started.',
    )
      .argument('<tenant>', 'the tenant id (see stoflow tenants)', tenantId())
      .option('--from <position>', 'start at this log position (inclusive; default: the beginning)', position('--from'))
      .option('--follow', 'keep going: print new events as they are appended, until Ctrl-C')
      .option('--type <type>', 'only events of this type (repeatable, or comma-separated)', list())
      .option('--correlation <id>', 'only the events of this correlation: what one request, sale or notification set off (its correlation_id, or the id of the event that began it)')
      .option('--limit <n>', 'stop after N events', integer('--limit', 1))
      .addHelpText(
        'after',
        examples("stoflow events 7 --type ProductPriceChanged | jq -c '{position, stream, data}'", 'stoflow events 7 --from 1200 --follow', '# why was this listing delisted? the sale and everything it caused\nstoflow events 7 --correlation 0193…'),
      ),
  async run(session, [tenant], options) {
    const start = options.from ?? 0n;
    const after = start > 0n ? start - 1n : 0n;
    const types = options.type ?? [];
    const limit = options.limit ?? Infinity;
    const correlation = options.correlation;
    const wanted = (event: { id: string; metadata: { correlation_id?: string } }) => correlation === undefined || event.metadata.correlation_id === correlation || event.id === correlation;
    await session.requireTenant(tenant);
    const { eventStore } = await session.services();
    let written = 0;

    if (options.follow) {
      session.waitsForStop();
      const subscription = await subscribe(
        eventStore,
        tenant,
        after,
        async (event) => {
          if (written >= limit || !wanted(event)) return;
          await session.out.jsonLine(eventLine(event));
          if (++written >= limit) session.requestStop();
        },
        { types: types.length > 0 ? types : undefined, onError: (err) => session.logger.warn({ err }, 'reading the log failed; retrying') },
      );
      await Promise.race([session.stopped, subscription.done]);
      await subscription.stop();
      await subscription.done;
      return EXIT.ok;
    }

    const head = await eventStore.head(tenant);
    const progress = session.progress(`events of tenant ${tenant}`, { total: Number(head), unit: 'events' });
    let position = after;
    while (position < head && written < limit && !session.out.closed) {
      const page = await eventStore.readLog(tenant, position, PAGE, types.length > 0 ? types : undefined);
      for (const event of page) {
        if (event.position > head || written >= limit) break;
        if (!wanted(event)) continue;
        await session.out.jsonLine(eventLine(event));
        written++;
      }
      if (page.length < PAGE) break;
      position = page[page.length - 1]!.position;
      progress.update(Number(position));
    }
    progress.update(Number(head));
    progress.finish();
    return EXIT.ok;
  },
});

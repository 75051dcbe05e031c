import { subscribe } from '../../eventstore/subscribe';
import { defineCommand, EXIT, parsePosition, parseTenant, splitList } from '../command';
import { eventLine } from '../event-line';

const PAGE = 1000;

export const eventsCommand = defineCommand({
  name: 'events',
  summary: "The tenant's log as JSON lines, following live with --follow",
  usage: 'stoflow events <tenant> [--from POSITION] [--follow] [--type T] [--limit N]',
  help: `One JSON object per line: position, stream, version, id, type, schema_version, data, metadata,
recorded_at. Without --follow, stops at the head of the log as it was when the command started.

Options:
  --from P     start at log position P (inclusive; default: the beginning)
  --follow     keep going: print new events as they are appended, until Ctrl-C
  --type T     only events of this type (repeatable, or comma-separated)
  --limit N    stop after N events

Examples:
  stoflow events 7 --type ProductPriceChanged | jq -c '{position, stream, data}'
  stoflow events 7 --from 1200 --follow`,
  options: { from: { type: 'string' }, follow: { type: 'boolean' }, type: { type: 'string', multiple: true }, limit: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(session, args) {
    const tenant = parseTenant(args.positionals[0]);
    const from = args.string('from');
    const start = from === undefined ? 0n : parsePosition(from, '--from');
    const after = start > 0n ? start - 1n : 0n;
    const types = splitList(args.strings('type'));
    const limit = args.integer('limit', 1) ?? Infinity;
    await session.requireTenant(tenant);
    const { eventStore } = await session.services();
    let written = 0;

    if (args.flag('follow')) {
      session.waitsForStop();
      const subscription = await subscribe(
        eventStore,
        tenant,
        after,
        async (event) => {
          if (written >= limit) return;
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

import { command, defineCommand, examples, EXIT, tenantId, UsageError } from '../command';
import { eventTime, isProductStream, productFields, streamOf, timeline } from '../changes';
import { keyValues } from '../format';

type Moment = { version: number } | { time: Date };

function parseMoment(value: string): Moment {
  if (/^[0-9]{1,9}$/.test(value)) return { version: Number(value) };
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new UsageError(`--at takes an ISO time (2024-05-01T12:00:00Z) or a stream version (3), got ${JSON.stringify(value)}`);
  }
  return { time };
}

export const stateCommand = defineCommand<[number, string], { at?: Moment }>({
  declare: () =>
    command('state', 'A product as it was at a moment: the fold of its events up to there', '<tenant> <product-id> [--at <ISO time | version>] [--json]')
      .argument('<tenant>', 'the tenant id (see stoflow tenants)', tenantId())
      .argument('<product-id>', 'the product')
      .option('--at <time|version>', 'an ISO time (the product after every event recorded at or before it) or a stream version (the product after that event); default: now', parseMoment)
      .addHelpText(
        'after',
        examples('stoflow state 7 0b6d51f2-6f0e-4a43-9a5e-0f1f7c1e2d3a --at 2024-05-01T12:00:00Z', 'stoflow state 7 0b6d51f2-6f0e-4a43-9a5e-0f1f7c1e2d3a --at 3 --json'),
      ),
  async run(session, [tenant, productId], { at: moment }) {
    const stream = streamOf(productId);
    if (!isProductStream(stream)) throw new UsageError(`${productId} is not a product id`);
    await session.requireTenant(tenant);
    const { eventStore } = await session.services();
    const events = await eventStore.readStream(tenant, stream);
    if (events.length === 0) {
      session.note(`Tenant ${tenant} has no product ${productId}`);
      return EXIT.finding;
    }
    const upTo = events.filter((e) => !moment || ('version' in moment ? e.streamVersion <= moment.version : eventTime(e) <= moment.time));
    const last = upTo[upTo.length - 1];
    const state = timeline(stream, upTo).at(-1)?.state ?? null;
    const summary = {
      tenant,
      stream,
      at: moment ? ('version' in moment ? { version: moment.version } : { time: moment.time.toISOString() }) : 'now',
      version: last?.streamVersion ?? 0,
      latest_version: events[events.length - 1]!.streamVersion,
      last_event: last ? { type: last.type, at: eventTime(last).toISOString() } : null,
      state,
    };
    if (session.json) await session.out.json(summary);
    if (state === null) {
      session.note(`Product ${productId} did not exist yet then (created ${eventTime(events[0]!).toISOString()}, version 1)`);
      return EXIT.finding;
    }
    if (session.json) return EXIT.ok;
    const when = last ? `after version ${last.streamVersion} of ${summary.latest_version} (${last.type}, ${eventTime(last).toISOString()})` : '';
    await session.out.line(`Tenant ${tenant}, product ${state.id}, ${when}\n`);
    const fields = Object.entries(productFields(state)).map(([field, value]) =>
      // Amounts in cents read as euros too: 3990 (39.90).
      [field, field.endsWith('_cents') && typeof value === 'number' ? `${value} (${(value / 100).toFixed(2)})` : value],
    );
    await session.out.line(keyValues(Object.fromEntries(fields)));
    return EXIT.ok;
  },
});

import { allProjections } from '../../projections';
import { rebuildProjection, type RebuildResult } from '../../engine/rebuild';
import { command, defineCommand, examples, EXIT, integer } from '../command';
import { formatDuration, table } from '../format';
import { eachReadModel, selectionOptions, selectProjections, selectTenants, type Selection } from '../selection';

interface Replayed extends RebuildResult {
  ms: number;
}

export const replayCommand = defineCommand<[], Selection & { batchSize: number }>({
  declare: () =>
    selectionOptions(
      command(
        'replay',
        'Rebuild read models from the log (fresh tables swapped in; the service keeps answering)',
        '(--tenant N | --all) [--projection NAME] [--batch-size N] [--json]',
        'Each read model is replayed into fresh tables, then swapped in within one transaction: queries keep reading the old tables until the swap, and no event is lost or applied twice.',
      ),
    )
      .option('--batch-size <n>', 'events per read of the log', integer('--batch-size', 1), 5000)
      .addHelpText('after', examples('stoflow replay --tenant 7', 'stoflow replay --all --projection products')),
  writes: true,
  async run(session, _args, options) {
    const chosen = selectProjections(options, allProjections);
    const { batchSize } = options;
    const { pool, eventStore, tenancy } = await session.services();
    const tenants = await selectTenants(session, options);
    if (chosen.length === 0 || tenants.length === 0) {
      session.note(chosen.length === 0 ? 'No read models are registered: nothing to replay' : 'No tenants: nothing to replay');
      if (session.json) await session.out.json({ replayed: [] });
      return EXIT.ok;
    }
    const replayed = await eachReadModel(session, 'replay', tenants, chosen, async (tenant, projection, onProgress) => {
      const started = Date.now();
      const result = await rebuildProjection({ pool, tenancy, store: eventStore, tenant, projection, batchSize, onProgress });
      return { ...result, ms: Date.now() - started };
    });
    if (session.json) {
      await session.out.json({ replayed: replayed.map(({ ms, ...r }) => ({ ...r, duration_ms: ms })) });
      return EXIT.ok;
    }
    await session.out.line(
      table<Replayed>(
        [
          { header: 'TENANT', value: (r) => r.tenant, align: 'right' },
          { header: 'PROJECTION', value: (r) => r.projection },
          { header: 'EVENTS', value: (r) => r.events, align: 'right' },
          { header: 'POSITION', value: (r) => r.position, align: 'right' },
          { header: 'TIME', value: (r) => (r.ms < 60_000 ? `${(r.ms / 1000).toFixed(1)} s` : formatDuration(r.ms)) },
        ],
        replayed,
      ),
    );
    return EXIT.ok;
  },
});

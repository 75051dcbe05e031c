import { verifyProjection, type TableDrift } from '../../engine/rebuild';
import { allProjections } from '../../projections';
import { command, defineCommand, examples, EXIT, integer } from '../command';
import { toJson } from '../format';
import { eachReadModel, selectionOptions, selectProjections, selectTenants, type Selection } from '../selection';

interface Drift extends TableDrift {
  tenant: number;
  projection: string;
}

type Row = Record<string, unknown>;

/**
 * Rows are paired by their first column (the read model's key, by convention), so a tampered
 * price reads as one changed field rather than one row too many and one missing.
 */
export function describeDrift(drift: TableDrift): string[] {
  const key = Object.keys(drift.unexpected[0] ?? drift.missing[0] ?? {})[0];
  const keyOf = (row: Row) => (key === undefined ? '' : toJson(row[key]));
  const rebuilt = new Map(drift.missing.map((r) => [keyOf(r), r]));
  const lines: string[] = [];
  for (const live of drift.unexpected) {
    const expected = rebuilt.get(keyOf(live));
    if (!expected) {
      lines.push(`  ${key}=${keyOf(live)}: in the live table, but a rebuild does not produce it`);
      continue;
    }
    rebuilt.delete(keyOf(live));
    const fields = Object.keys({ ...live, ...expected }).filter((f) => toJson(live[f]) !== toJson(expected[f]));
    lines.push(`  ${key}=${keyOf(live)}: ${fields.map((f) => `${f} is ${toJson(live[f])}, the log says ${toJson(expected[f])}`).join('; ')}`);
  }
  for (const [k] of rebuilt) lines.push(`  ${key}=${k}: missing from the live table`);
  return lines;
}

export const verifyCommand = defineCommand<[], Selection & { sample: number }>({
  declare: () =>
    selectionOptions(
      command(
        'verify',
        'Rebuild into scratch tables and compare with the live read models row by row',
        '(--tenant N | --all) [--projection NAME] [--sample N] [--json]',
        "Prints every difference and exits 1 when a read model drifted from the log, 0 when all are identical. Both sides are compared at the same log position (under the read model's checkpoint lock), so a busy tenant does not show false drift. `stoflow replay` repairs what it finds.",
      ),
    )
      .option('--sample <n>', 'differing rows shown per table', integer('--sample', 1), 20)
      .addHelpText('after', examples('stoflow verify --all', 'stoflow verify --tenant 7 --json')),
  async run(session, _args, options) {
    const chosen = selectProjections(options, allProjections);
    const sampleLimit = options.sample;
    const { pool, eventStore, tenancy } = await session.services();
    const tenants = await selectTenants(session, options);
    const results = await eachReadModel(session, 'verify', tenants, chosen, async (tenant, projection, onProgress) => {
      const found = await verifyProjection({ pool, tenancy, store: eventStore, tenant, projection, sampleLimit, onProgress });
      return { tenant, projection: projection.name, drift: found };
    });
    const drifts: Drift[] = results.flatMap((r) => r.drift.map((d) => ({ ...d, tenant: r.tenant, projection: r.projection })));
    const checked = results.map((r) => ({ tenant: r.tenant, projection: r.projection, identical: r.drift.length === 0 }));
    if (session.json) {
      await session.out.json({ identical: drifts.length === 0, checked, drift: drifts });
    } else if (drifts.length === 0) {
      await session.out.line(`No drift: ${chosen.length} read model(s) of ${tenants.length} tenant(s) checked, all identical to the log.`);
    } else {
      for (const drift of drifts) {
        const rows = Math.max(drift.unexpected.length, drift.missing.length);
        await session.out.line(`Tenant ${drift.tenant}, ${drift.projection}, table ${drift.table}: ${rows}${rows >= sampleLimit ? '+' : ''} row(s) differ from the log`);
        for (const line of describeDrift(drift)) await session.out.line(line);
      }
      const tenantsWithDrift = new Set(drifts.map((d) => d.tenant));
      await session.out.line(`\nDrift in ${tenantsWithDrift.size} tenant(s): repair with \`stoflow replay --tenant ${[...tenantsWithDrift].join(' --tenant ')}\``);
    }
    return drifts.length === 0 ? EXIT.ok : EXIT.finding;
  },
});

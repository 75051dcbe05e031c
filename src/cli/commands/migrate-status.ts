import { migrationStatus, type SchemaStatus } from '../../infra/db/migrator';
import { defineCommand, EXIT } from '../command';
import { table } from '../format';

export const migrateStatusCommand = defineCommand({
  name: 'migrate:status',
  summary: "Each schema's applied and pending migrations (npm run migrate:status)",
  usage: 'stoflow migrate:status [--pending] [--check] [--json]',
  help: `Options:
  --pending   list only the schemas with pending migrations
  --check     exit 1 when any schema has pending migrations (for deploy scripts)

Examples:
  npm run migrate:status
  stoflow migrate:status --check || stoflow migrate`,
  options: { pending: { type: 'boolean' }, check: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(session, args) {
    const all = await migrationStatus(await session.knex());
    const behind = all.filter((s) => s.pending.length > 0);
    const shown = args.flag('pending') ? behind : all;
    const code = args.flag('check') && behind.length > 0 ? EXIT.finding : EXIT.ok;
    if (session.json) {
      await session.out.json(shown.map((s) => ({ schema: s.schema, version: s.applied.at(-1) ?? null, applied: s.applied, pending: s.pending })));
      return code;
    }
    if (shown.length > 0) {
      await session.out.line(
        table<SchemaStatus>(
          [
            { header: 'SCHEMA', value: (s) => s.schema },
            { header: 'VERSION', value: (s) => s.applied.at(-1) ?? 'none' },
            { header: 'APPLIED', value: (s) => s.applied.length, align: 'right' },
            { header: 'PENDING', value: (s) => (s.pending.length > 0 ? s.pending.join(', ') : '') },
          ],
          shown,
        ),
      );
      await session.out.line('');
    }
    await session.out.line(`${all.length - behind.length} of ${all.length} schema(s) up to date${behind.length > 0 ? `; run \`stoflow migrate\` for the other ${behind.length}` : ''}`);
    return code;
  },
});

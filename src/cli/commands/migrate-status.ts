import { migrationStatus, type SchemaStatus } from '../../infra/db/migrator';
import { command, defineCommand, examples, EXIT } from '../command';
import { table } from '../format';

export const migrateStatusCommand = defineCommand<[], { pending?: boolean; check?: boolean }>({
  declare: () =>
    command('migrate:status', "Each schema's applied and pending migrations (npm run migrate:status)", '[--pending] [--check] [--json]')
      .option('--pending', 'list only the schemas with pending migrations')
      .option('--check', 'exit 1 when any schema has pending migrations (for deploy scripts)')
      .addHelpText('after', examples('npm run migrate:status', 'stoflow migrate:status --check || stoflow migrate')),
  async run(session, _args, options) {
    const all = await migrationStatus(await session.knex(), session.tenancy);
    const behind = all.filter((s) => s.pending.length > 0);
    const shown = options.pending ? behind : all;
    const code = options.check && behind.length > 0 ? EXIT.finding : EXIT.ok;
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

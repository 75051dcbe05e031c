import { seedReferenceData } from '../../seed';
import { command, defineCommand, EXIT } from '../command';
import { table } from '../format';

export const seedCommand = defineCommand<[]>({
  declare: () =>
    command(
      'seed',
      'Seed the reference data: categories, brands, attributes, marketplace mappings (npm run seed)',
      '[--json]',
      'Idempotent: rows already there are kept, missing ones added. Needs the public schema migrated (`stoflow migrate`). The service also seeds at every start.',
    ),
  writes: true,
  async run(session) {
    const knex = await session.knex();
    const hasTables = await knex('information_schema.tables').where({ table_schema: 'public', table_name: 'schema_migrations' }).first();
    if (!hasTables) {
      session.note('This database has no Stoflow tables yet: run `stoflow migrate` first');
      return EXIT.usage;
    }
    const summary = await seedReferenceData(knex);
    if (session.json) {
      await session.out.json(summary);
      return EXIT.ok;
    }
    const rows = Object.entries(summary).map(([name, count]) => ({ name, count }));
    await session.out.line(table([{ header: 'TABLE', value: (r: (typeof rows)[number]) => r.name }, { header: 'ROWS', value: (r: (typeof rows)[number]) => r.count, align: 'right' }], rows));
    return EXIT.ok;
  },
});

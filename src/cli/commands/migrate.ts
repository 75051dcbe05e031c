import { migrateAll } from '../../infra/db/migrator';
import { command, defineCommand, examples, EXIT, integer, list, tenantId } from '../command';
import { table } from '../format';
import type { Progress } from '../progress';

/** Below this many tenants, migrating is over before a bar would say anything. */
const BAR_FROM = 20;

export const migrateCommand = defineCommand<[], { tenant?: number[]; concurrency: number }>({
  declare: () =>
    command(
      'migrate',
      'Bring public and every tenant schema up to date (npm run migrate)',
      '[--tenant N] [--concurrency N] [--json]',
      'Public first, then the tenants in parallel, each in one transaction of its own: a tenant that fails is rolled back and reported by name while the others migrate, and running the command again picks up where it stopped. Exits 1 when a tenant failed.',
    )
      .option('--tenant <n>', 'only this tenant (repeatable; public is always migrated)', list(tenantId('--tenant')))
      .option('--concurrency <n>', 'tenants migrated at once', integer('--concurrency', 1), 4)
      .addHelpText('after', examples('npm run migrate', 'stoflow migrate --concurrency 8 --json')),
  writes: true,
  async run(session, _args, { tenant: tenants = [], concurrency }) {
    const knex = await session.knex();
    let progress: Progress | undefined;
    const result = await migrateAll(knex, session.tenancy, {
      concurrency,
      tenants: tenants.length > 0 ? tenants : undefined,
      onProgress: (done, total) => {
        if (total < BAR_FROM) return;
        progress ??= session.progress('migrate tenants', { total, unit: 'tenants' });
        progress.update(done);
      },
    });
    progress?.finish();
    const failures = [...result.failures].sort((a, b) => a.tenantId - b.tenantId);
    if (session.json) {
      await session.out.json({ public_applied: result.publicApplied, tenants: result.tenants, tenants_migrated: result.tenantsApplied, failures });
      return failures.length > 0 ? EXIT.finding : EXIT.ok;
    }
    await session.out.line(
      result.publicApplied.length > 0 ? `public: applied ${result.publicApplied.join(', ')}` : 'public: up to date',
    );
    await session.out.line(`tenants: ${result.tenants} checked, ${result.tenantsApplied} migrated, ${failures.length} failed`);
    if (failures.length > 0) {
      await session.out.line('');
      await session.out.line(
        table(
          [
            { header: 'TENANT', value: (f: (typeof failures)[number]) => f.tenantId, align: 'right' },
            { header: 'SCHEMA', value: (f: (typeof failures)[number]) => f.schema },
            { header: 'ERROR', value: (f: (typeof failures)[number]) => f.error },
          ],
          failures,
        ),
      );
      await session.out.line('\nThe failed schemas were rolled back; fix the cause and run `stoflow migrate` again.');
    }
    return failures.length > 0 ? EXIT.finding : EXIT.ok;
  },
});

import { userInfo } from 'node:os';
import { Argument } from 'commander';
import { command, defineCommand, examples, EXIT, tenantId, UsageError } from '../command';

function operatorName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

const NAME = /^[A-Za-z0-9._@-]{1,100}$/;

export const planCommand = defineCommand<['set', number, string], { operator?: string; reason?: string }>({
  declare: () =>
    command(
      'plan',
      "Put a tenant on a plan (free, starter, pro, business), recorded in the tenant's log",
      'set <tenant> <plan> [--reason TEXT] [--operator NAME] [--json]',
      'Appends PlanChanged to the tenant\'s subscription stream with the operator as the actor (operator:<name>, by default the OS user), so the change shows in the event feed and in `stoflow history <tenant> subscription`. The new limits apply at once; products over a lower cap stay, only new ones are refused. The monthly AI-credit period keeps its anniversary. A plan the tenant is on already records nothing.',
    )
      .addArgument(new Argument('<action>', 'what to do').choices(['set']))
      .argument('<tenant>', 'the tenant id (see stoflow tenants)', tenantId())
      .argument('<plan>', 'the plan code (GET /api/plans lists them)')
      .option('--reason <text>', 'why, kept with the event')
      .option('--operator <name>', 'who acts (default: the OS user)')
      .addHelpText('after', examples('stoflow plan set 7 pro', 'stoflow plan set 7 business --reason "partner account" --json')),
  writes: true,
  async run(session, [, tenant, plan], { operator, reason }) {
    const who = operator ?? operatorName();
    if (!NAME.test(who)) throw new UsageError('--operator: 1 to 100 letters, digits, ".", "_", "@" or "-"');
    if (reason !== undefined && reason.length > 500) throw new UsageError('--reason: at most 500 characters');
    await session.requireTenant(tenant);
    const { commands } = await session.services();
    let outcome;
    try {
      outcome = await commands.changePlan(tenant, { plan, reason: reason ?? null }, { event: { actor: `operator:${who}` } });
    } catch (err) {
      if ((err as { kind?: string }).kind === 'validation') throw new UsageError(`${plan} is not a plan: ${(err as { errors: { message: string }[] }).errors[0]?.message ?? ''}`);
      throw err;
    }
    if (session.json) {
      await session.out.json({ tenant, plan: outcome.plan, previous_plan: outcome.previous_plan, changed: outcome.changed, version: outcome.version, actor: `operator:${who}` });
    } else {
      await session.out.line(outcome.changed ? `Tenant ${tenant}: ${outcome.previous_plan} → ${outcome.plan} (subscription version ${outcome.version}, by operator:${who})` : `Tenant ${tenant} is on ${outcome.plan} already: nothing recorded`);
    }
    return EXIT.ok;
  },
});

/*
 * Putting a test tenant on a plan the way an operator does (`stoflow plan set`): the real
 * ChangePlan command, recorded in the tenant's log. Tests that need more products or
 * marketplaces than the free plan allows say so with this.
 */
import type { Container } from '../../src/app/container';

export async function putOnPlan(services: Pick<Container, 'commands'>, tenant: number, plan: string): Promise<void> {
  await services.commands.changePlan(tenant, { plan, reason: 'test set-up' }, { event: { actor: 'operator:test' } });
}

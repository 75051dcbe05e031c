import request from 'supertest';
import type { TestApp } from '../support/app';
import { assertBuilt, stoflow, stoflowJson } from '../cli/support';
import { registerSeller, startProductsApp } from '../products/support';

describe('stoflow plan set', () => {
  let t: TestApp;
  beforeAll(async () => {
    assertBuilt();
    t = await startProductsApp();
  });
  afterAll(async () => t.close());

  it('When an operator sets a plan, then the tenant is on it, the change is in its log with the operator as actor, and history shows it', async () => {
    const seller = await registerSeller(t.app);
    const tenant = String(seller.tenantId);
    const set = await stoflowJson<Record<string, unknown>>(['plan', 'set', tenant, 'pro', '--operator', 'camille', '--reason', 'trade show deal']);
    expect(set).toEqual({ tenant: seller.tenantId, plan: 'pro', previous_plan: 'free', changed: true, version: 1, actor: 'operator:camille' });
    expect((await request(t.app).get('/api/subscription').set(seller.auth)).body.plan.code).toBe('pro');

    const again = await stoflow(['plan', 'set', tenant, 'pro', '--operator', 'camille']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing recorded');

    const history = await stoflowJson<{ events: { type: string; actor: string; data: Record<string, unknown> }[] }>(['history', tenant, 'subscription']);
    expect(history.events).toEqual([expect.objectContaining({ type: 'PlanChanged', actor: 'operator:camille', data: expect.objectContaining({ plan: 'pro', previous_plan: 'free', source: 'operator', reason: 'trade show deal' }) })]);
    const table = await stoflow(['history', tenant, 'subscription']);
    expect(table.stdout).toMatch(/PlanChanged\s+operator:camille/);
  });

  it('When the plan or the tenant does not exist, then it says so and exits 2, recording nothing', async () => {
    const seller = await registerSeller(t.app);
    const unknown = await stoflow(['plan', 'set', String(seller.tenantId), 'gold']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('gold is not a plan: must be one of free, starter, pro, business');
    expect(await t.services.eventStore.head(seller.tenantId)).toBe(0n);
    expect((await stoflow(['plan', 'set', '999999', 'pro'])).code).toBe(2);
    expect((await stoflow(['plan', 'show', String(seller.tenantId), 'pro'])).code).toBe(2);
  });
});

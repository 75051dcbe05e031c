/*
 * The tenants each test app registered. A test app processes only these (see startTestApp), so
 * test files running side by side on one database never process each other's tenants with the
 * wrong doubles or keys.
 */
const registered = new WeakMap<object, Set<number>>();

export function noteTenant(app: object, tenant: number): void {
  let tenants = registered.get(app);
  if (!tenants) registered.set(app, (tenants = new Set()));
  tenants.add(tenant);
}

export function tenantsOf(app: object): number[] {
  return [...(registered.get(app) ?? [])].sort((a, b) => a - b);
}

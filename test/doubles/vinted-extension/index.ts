/*
 * The Stoflow browser extension, simulated (see simulator.ts): `pairExtension(baseUrl, token)`
 * creates a device with the seller's access token and, unless told not to, reports a Vinted
 * member, as the real extension does once the seller signs in.
 */
import { randomInt } from 'node:crypto';
import { VintedExtensionSimulator, type VintedMember } from './simulator';

export { VintedExtensionSimulator } from './simulator';
export type { Answer, LeasedTask, Report, RunOptions, TaskResult, VintedMember } from './simulator';
export { FakeWardrobe } from './wardrobe';
export type { Sale, WardrobeItem } from './wardrobe';

export function randomMember(site = 'fr'): VintedMember {
  const id = String(randomInt(10_000_000, 2_000_000_000));
  return { id, login: `seller_${id}`, site };
}

export async function pairExtension(baseUrl: string, accessToken: string, options: { name?: string; member?: VintedMember | false } = {}): Promise<VintedExtensionSimulator> {
  const name = options.name ?? 'Chrome (simulated)';
  const res = await fetch(`${baseUrl}/api/plugin/devices`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = (await res.json()) as { device_id: string; device_token: string; name: string };
  if (res.status !== 201) throw new Error(`POST /api/plugin/devices answered ${res.status}: ${JSON.stringify(body)}`);
  const member = options.member === false ? randomMember() : (options.member ?? randomMember());
  const extension = new VintedExtensionSimulator(baseUrl, { id: body.device_id, token: body.device_token, name: body.name }, member);
  if (options.member !== false) {
    const session = await extension.session();
    if (session.status !== 200) throw new Error(`POST /api/plugin/session answered ${session.status}: ${JSON.stringify(session.body)}`);
  }
  return extension;
}

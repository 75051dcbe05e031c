/* A minimal Etsy client for the double's own tests: fetch, FormData, and the PKCE steps. */
import { createHash, randomBytes } from 'node:crypto';
import type { EtsyDouble } from './server';

export const REDIRECT_URI = 'http://127.0.0.1:9/etsy/callback';
export const ALL_SCOPES = ['listings_r', 'listings_w', 'listings_d', 'shops_r', 'shops_w', 'transactions_r'];

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { text };
  }
  return { status: response.status, headers: response.headers, json };
}

/** Follows the consent page by hand, as a browser would, and returns where it redirected. */
export async function authorize(double: EtsyDouble, params: Record<string, string>): Promise<{ status: number; location: URL | null; body: string }> {
  const url = new URL(double.authorizeUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location) : null, body: await response.text() };
}

export function consentParams(double: EtsyDouble, challenge: string, scopes = ALL_SCOPES): Record<string, string> {
  return {
    response_type: 'code',
    client_id: double.app.keystring,
    redirect_uri: REDIRECT_URI,
    scope: scopes.join(' '),
    state: 'csrf-state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
}

export async function token(double: EtsyDouble, fields: Record<string, string>): Promise<Answer> {
  return answer(await fetch(double.tokenUrl, { method: 'POST', body: new URLSearchParams(fields) }));
}

/** Runs the whole grant: consent, then the code exchange. */
export async function connect(double: EtsyDouble, scopes = ALL_SCOPES): Promise<{ access_token: string; refresh_token: string }> {
  const { verifier, challenge } = pkcePair();
  const consent = await authorize(double, consentParams(double, challenge, scopes));
  const code = consent.location!.searchParams.get('code')!;
  const answered = await token(double, { grant_type: 'authorization_code', client_id: double.app.keystring, redirect_uri: REDIRECT_URI, code, code_verifier: verifier });
  return answered.json as { access_token: string; refresh_token: string };
}

export interface CallOptions {
  token?: string | null;
  apiKey?: string | null;
  form?: Record<string, string | string[]>;
  json?: unknown;
  body?: RequestInit['body'];
  signal?: AbortSignal;
}

/** One API call; the x-api-key is the double's own unless `apiKey` says otherwise. */
export async function call(double: EtsyDouble, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const apiKey = options.apiKey === undefined ? double.apiKey : options.apiKey;
  if (apiKey !== null) headers['x-api-key'] = apiKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: RequestInit['body'] | undefined = options.body;
  if (options.form) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(options.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    body = params;
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return answer(await fetch(`${double.baseUrl}${path}`, { method, headers, body, signal: options.signal }));
}

/** A real 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export function imageForm(bytes: Buffer, type = 'image/png', name = 'photo.png', extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('image', new Blob([bytes], { type }), name);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return form;
}

export function seller(double: EtsyDouble) {
  const user = [...double.state.users.values()][0]!;
  const shopId = user.shop_id!;
  const profile = [...double.state.shippingProfiles.values()].find((p) => p.shop_id === shopId)!;
  const policy = [...double.state.returnPolicies.values()].find((p) => p.shop_id === shopId)!;
  const readiness = [...double.state.processingProfiles.values()].find((p) => p.shop_id === shopId)!;
  return { userId: user.user_id, shopId, shippingProfileId: profile.shipping_profile_id, returnPolicyId: policy.return_policy_id, readinessStateId: readiness.readiness_state_id };
}

export function draftForm(double: EtsyDouble, overrides: Record<string, string | string[] | undefined> = {}): Record<string, string | string[]> {
  const s = seller(double);
  const base: Record<string, string | string[] | undefined> = {
    quantity: '2',
    title: 'Vintage Levis 501 jeans, W32 L34',
    description: 'Worn-in vintage denim, no holes.',
    price: '45.00',
    who_made: 'someone_else',
    when_made: '1990s',
    is_supply: 'false',
    taxonomy_id: '2045',
    shipping_profile_id: String(s.shippingProfileId),
    return_policy_id: String(s.returnPolicyId),
    tags: 'vintage,denim,levis',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string | string[]] => e[1] !== undefined));
}

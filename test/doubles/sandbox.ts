/*
 * `npm run sandbox`: Stoflow on one machine against the eBay and Etsy doubles and a simulated
 * Vinted extension, with a demo seller already connected to the three through the real flows (the
 * doubles play the seller clicking "I agree"; the extension pairs over HTTP and performs its
 * tasks on an in-memory wardrobe), so a newcomer can publish a product to "eBay, Etsy and
 * Vinted" in a minute. `npm run doubles` starts
 * the doubles alone and prints their base URLs and credentials.
 *
 * The sandbox keeps its own data folder (`.stoflow-sandbox`, or SANDBOX_DATA_DIR) and listens on
 * PORT (8000). The doubles forget everything when they stop; the sandbox connects the demo seller
 * again at each start. PUBLIC_BASE_URL is an https placeholder: the eBay double, like eBay, only
 * takes https photo addresses, and it does not fetch them.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { buildApp } from '../../src/app/app';
import { buildContainer } from '../../src/app/container';
import { openDatabase, prepareSchema } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/infra/logger';
import { startEbayDouble, type EbayDouble } from './ebay';
import { startEtsyDouble, type EtsyDouble } from './etsy/server';
import { pairExtension } from './vinted-extension';

const DEMO = { email: 'demo@sandbox.stoflow.test', password: 'Velvet-Jacket-1987', full_name: 'Demo Seller', account_type: 'individual' };

async function startDoubles(): Promise<{ ebay: EbayDouble; etsy: EtsyDouble }> {
  const ebay = await startEbayDouble({
    port: Number(process.env.EBAY_DOUBLE_PORT ?? 0),
    users: [
      {
        username: 'sandbox_seller',
        fulfillmentPolicies: [{ name: 'Colissimo', marketplaceId: 'EBAY_FR' }],
        paymentPolicies: [{ name: 'Paiement géré par eBay', marketplaceId: 'EBAY_FR' }],
        returnPolicies: [{ name: 'Retours sous 30 jours', marketplaceId: 'EBAY_FR' }],
        locations: [{ merchantLocationKey: 'atelier', location: { address: { city: 'Paris', postalCode: '75011', country: 'FR' } }, merchantLocationStatus: 'ENABLED', name: 'Atelier' }],
      },
    ],
  });
  const etsy = await startEtsyDouble({ port: Number(process.env.ETSY_DOUBLE_PORT ?? 0) });
  return { ebay, etsy };
}

async function doubles(): Promise<void> {
  const { ebay, etsy } = await startDoubles();
  process.stdout.write(
    `${JSON.stringify({
      ebay: { baseUrl: ebay.baseUrl, authBaseUrl: ebay.authBaseUrl, clientId: ebay.app.clientId, clientSecret: ebay.app.clientSecret, ruName: ebay.app.ruName },
      etsy: { baseUrl: etsy.baseUrl, authBaseUrl: etsy.authBaseUrl, keystring: etsy.app.keystring, sharedSecret: etsy.app.sharedSecret },
    })}\n`,
  );
  const stop = () => void Promise.all([ebay.close(), etsy.stop()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** A consent as the seller's browser makes it: open the consent URL, follow eBay's or Etsy's redirect to the callback. */
async function consent(base: string, authorization: string, marketplace: 'ebay' | 'etsy'): Promise<string> {
  const start = await fetch(`${base}/api/integrations/${marketplace}/connect`, { headers: { authorization } });
  if (start.status !== 200) throw new Error(`connecting ${marketplace}: ${start.status} ${await start.text()}`);
  const { authorization_url } = (await start.json()) as { authorization_url: string };
  const agreed = await fetch(authorization_url, { redirect: 'manual' });
  const back = new URL(agreed.headers.get('location') ?? '');
  const done = await fetch(`${base}${back.pathname}${back.search}`);
  const body = (await done.json()) as { account?: { name: string }; detail?: string };
  if (done.status !== 200) throw new Error(`connecting ${marketplace}: ${done.status} ${body.detail ?? ''}`);
  return body.account?.name ?? marketplace;
}

async function sandbox(): Promise<void> {
  const { ebay, etsy } = await startDoubles();
  const dataDir = process.env.SANDBOX_DATA_DIR ?? join(process.cwd(), '.stoflow-sandbox');
  const port = Number(process.env.PORT ?? 8000);
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    ENVIRONMENT: 'development',
    STOFLOW_DATA_DIR: dataDir,
    PORT: String(port),
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    EBAY_CLIENT_ID: ebay.app.clientId,
    EBAY_CLIENT_SECRET: ebay.app.clientSecret,
    EBAY_RU_NAME: ebay.app.ruName,
    EBAY_API_BASE_URL: ebay.baseUrl,
    EBAY_AUTH_BASE_URL: ebay.authBaseUrl,
    ETSY_API_KEY: etsy.app.keystring,
    ETSY_SHARED_SECRET: etsy.app.sharedSecret,
    ETSY_REDIRECT_URI: `${base}/api/integrations/etsy/callback`,
    ETSY_API_BASE_URL: etsy.baseUrl,
    ETSY_AUTH_BASE_URL: etsy.authBaseUrl,
    PUBLIC_BASE_URL: 'https://sandbox.stoflow.test',
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    // The demo's extension works at once rather than at a real account's pace.
    VINTED_MIN_GAP_SECONDS: '0',
    VINTED_MAX_GAP_SECONDS: '1',
  });
  ebay.setAcceptUrl(ebay.app.ruName, `${base}/api/integrations/ebay/callback`, `${base}/api/integrations/ebay/callback`);
  etsy.addRedirectUri(`${base}/api/integrations/etsy/callback`);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const database = await openDatabase(config, logger);
  await prepareSchema(config, database, logger);
  const services = buildContainer(config, logger, database);
  const server: Server = await new Promise((resolve) => {
    const s = buildApp(services).listen(port, '127.0.0.1', () => resolve(s));
  });
  await services.startProcessing();

  // The demo seller: registered once, signed in at every start; its connections are made afresh
  // (the doubles remember nothing across starts).
  let signedIn = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: DEMO.email, password: DEMO.password }) });
  if (signedIn.status === 401) signedIn = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO) });
  if (signedIn.status !== 200 && signedIn.status !== 201) throw new Error(`demo seller: ${signedIn.status} ${await signedIn.text()}`);
  const { access_token } = (await signedIn.json()) as { access_token: string };
  const authorization = `Bearer ${access_token}`;
  // Three marketplaces are past the free plan: the demo seller is on business, as an operator would put them.
  const tenant = (JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString('utf8')) as { tid: number }).tid;
  await services.commands.changePlan(tenant, { plan: 'business', reason: 'sandbox demo seller' }, { event: { actor: 'operator:sandbox' } });
  for (const marketplace of ['ebay', 'etsy'] as const) await fetch(`${base}/api/integrations/${marketplace}`, { method: 'DELETE', headers: { authorization } });
  const accounts = { ebay: await consent(base, authorization, 'ebay'), etsy: await consent(base, authorization, 'etsy') };
  const extension = await pairExtension(base, access_token, { name: 'Sandbox extension (simulated)' });
  // Performs every task it is given until the sandbox stops (a day-long run, renewed).
  const perform = (): void => void extension.run({ until: () => false, wait: 30, timeoutMs: 24 * 3600_000 }).then(perform, (err: unknown) => console.error('the simulated extension stopped:', err));
  perform();

  console.log(`
Stoflow sandbox on ${base} (docs: ${base}/docs), against the doubles:
  eBay  ${ebay.baseUrl}   connected as ${accounts.ebay}
  Etsy  ${etsy.baseUrl}   connected as ${accounts.etsy}
  Vinted (simulated extension)   connected as ${extension.member.login}
Demo seller: ${DEMO.email} / ${DEMO.password}
  export TOKEN=${access_token}

Publish a product to eBay, Etsy and Vinted:
  ID=$(curl -s ${base}/api/products -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"sku":"DEMO-'$RANDOM'","title":"Levi’s 501 jeans","price":39.9,"stock_quantity":1,"category":"jeans","condition":"very_good","brand":"Levi\\u0027s","size":"m"}' | jq -r .id)
  curl -s ${base}/api/products/$ID/images -H "Authorization: Bearer $TOKEN" -F file=@photo.jpg
  curl -s ${base}/api/products/$ID/publish -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"marketplaces":["ebay","etsy","vinted"],"overrides":{"ebay":{"category_id":"11483"},"etsy":{"taxonomy_id":2044,"who_made":"someone_else","when_made":"1990s"}}}'
  curl -s ${base}/api/products/$ID/listings -H "Authorization: Bearer $TOKEN"
Ctrl-C stops everything.`);

  const stop = () => {
    extension.stop();
    server.close();
    void services
      .close()
      .then(() => database.stop())
      .then(() => Promise.all([ebay.close(), etsy.stop()]))
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

(process.argv[2] === 'doubles' ? doubles() : sandbox()).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

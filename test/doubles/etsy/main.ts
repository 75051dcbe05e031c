/*
 * Runs the Etsy double on its own, for trying a connector by hand:
 *
 *   node scripts/build.js && node dist/test/doubles/etsy/main.js
 *   ETSY_DOUBLE_PORT=4010 ETSY_DOUBLE_REDIRECT_URI=http://127.0.0.1:3000/etsy/callback \
 *     ETSY_DOUBLE_KEYSTRING=… ETSY_DOUBLE_SHARED_SECRET=… node dist/test/doubles/etsy/main.js
 *
 * It prints its URLs, the app's keystring and x-api-key value, and a token pair for the seeded
 * seller, then serves until interrupted.
 */
import { startEtsyDouble } from './server';

async function main(): Promise<void> {
  const redirect = process.env.ETSY_DOUBLE_REDIRECT_URI;
  const double = await startEtsyDouble({
    port: process.env.ETSY_DOUBLE_PORT ? Number(process.env.ETSY_DOUBLE_PORT) : 0,
    app: {
      keystring: process.env.ETSY_DOUBLE_KEYSTRING,
      sharedSecret: process.env.ETSY_DOUBLE_SHARED_SECRET,
      redirectUris: redirect ? [redirect] : [],
    },
    latencyMs: process.env.ETSY_DOUBLE_LATENCY_MS ? Number(process.env.ETSY_DOUBLE_LATENCY_MS) : 0,
  });
  const seller = [...double.state.users.values()][0]!;
  const tokens = double.issueTokens(seller.user_id);
  const lines = {
    baseUrl: double.baseUrl,
    apiUrl: double.apiUrl,
    authorizeUrl: double.authorizeUrl,
    tokenUrl: double.tokenUrl,
    keystring: double.app.keystring,
    'x-api-key': double.apiKey,
    redirectUris: double.app.redirectUris,
    seller: { user_id: seller.user_id, shop_id: seller.shop_id },
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
  };
  console.log(JSON.stringify(lines, null, 2));
  const stop = () => {
    void double.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

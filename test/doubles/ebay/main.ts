/**
 * Starts the eBay double alone and prints its base URLs and credentials, for running Stoflow
 * against it by hand. Options from the environment: EBAY_DOUBLE_PORT, EBAY_DOUBLE_ACCEPT_URL,
 * EBAY_DOUBLE_DECLINE_URL, EBAY_DOUBLE_LATENCY_MS.
 */
import { startEbayDouble } from './server';

async function main(): Promise<void> {
  const double = await startEbayDouble({
    port: Number(process.env.EBAY_DOUBLE_PORT ?? 0),
    latencyMs: Number(process.env.EBAY_DOUBLE_LATENCY_MS ?? 0),
    app: { acceptUrl: process.env.EBAY_DOUBLE_ACCEPT_URL, declineUrl: process.env.EBAY_DOUBLE_DECLINE_URL },
  });
  const users = [...double.state.users.values()].map((u) => u.username);
  process.stdout.write(`${JSON.stringify({ baseUrl: double.baseUrl, apizBaseUrl: double.apizBaseUrl, authBaseUrl: double.authBaseUrl, tokenUrl: double.tokenUrl, clientId: double.app.clientId, clientSecret: double.app.clientSecret, ruName: double.app.ruName, users })}\n`);
  const stop = () => {
    void double.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();

/** Stops the services started by the global setup (PostgreSQL and Redis go with them). */
export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__STOFLOW_SERVICES__;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}

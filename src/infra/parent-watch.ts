/**
 * A process started by `npm start` or `npm run worker` stops itself when npm is gone.
 *
 * npm forwards SIGINT and SIGTERM to the script it runs, but when npm itself ends without doing so
 * (killed with SIGKILL, or ended by a signal it did not forward), the service would live on as an
 * orphan: holding its port, its leases and the embedded PostgreSQL it started, with nobody left to
 * stop it. Only a process that npm started is watched (npm sets `npm_lifecycle_event` for the
 * scripts it runs): one started any other way may be meant to outlive its parent, as with
 * `node dist/src/main.js &` from a shell script.
 */
export function watchParent(onGone: () => void, options: { env?: NodeJS.ProcessEnv; everyMs?: number; parentPid?: () => number } = {}): () => void {
  const env = options.env ?? process.env;
  const parentPid = options.parentPid ?? (() => process.ppid);
  const first = parentPid();
  // Already adopted by init (or started by it): there is no parent to outlive.
  if (!env.npm_lifecycle_event || first <= 1) return () => undefined;
  const timer = setInterval(() => {
    if (parentPid() === first) return;
    clearInterval(timer);
    onGone();
  }, options.everyMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/*
 * `npm run bench`: the API benchmark (bench/api.ts: reads, writes and the rest against
 * `GET /health` in the same run), then publishing 1,000 products to the three marketplace doubles
 * (bench/publish.ts: listings/s and publish → `active` p50/p99, against product creations in the
 * same run), then analytics of a tenant with 100,000 sales (bench/analytics.ts: the summary and
 * a 12-month daily time series against `GET /health`, the CSV export's rows/s and memory against
 * a plain SELECT of the same rows). Each runs in a process of its own, printing its table as it
 * goes; the last line is one JSON object holding them all: the API's figures as they are,
 * publishing's under `publish_`, analytics' under `analytics_`. `npm run bench:api`,
 * `npm run bench:publish` and `npm run bench:analytics` run one alone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs one benchmark, echoing its output; answers the JSON object of its last line. */
function run(script: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, script)], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let last = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') last = line;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (pending.trim() !== '') last = pending;
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} did not end with a JSON line`));
      }
    });
  });
}

async function main(): Promise<void> {
  const api = await run('api.js');
  const publish = await run('publish.js');
  const analytics = await run('analytics.js');
  const under = (prefix: string, figures: Record<string, unknown>) => Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${prefix}_${k}`, v]));
  console.log(JSON.stringify({ ...api, ...under('publish', publish), ...under('analytics', analytics) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

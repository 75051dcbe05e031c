/*
 * `npm run bench`: the API benchmark (bench/api.ts: reads, writes and the rest against
 * `GET /health` in the same run), then publishing 1,000 products to the three marketplace doubles
 * (bench/publish.ts: listings/s and publish → `active` p50/p99, against product creations in the
 * same run). Each runs in a process of its own, printing its table as it goes; the last line is
 * one JSON object holding both: the API's figures as they are, publishing's under `publish_`.
 * `npm run bench:api` and `npm run bench:publish` run one alone.
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
  console.log(JSON.stringify({ ...api, ...Object.fromEntries(Object.entries(publish).map(([k, v]) => [`publish_${k}`, v])) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

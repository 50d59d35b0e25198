// Open-loop, evenly paced load: request i is due at start + i/rate, whatever happened to the
// earlier ones, and its latency is counted from when it was due (so time spent queued behind a
// slow server counts: no coordinated omission). This is what autocannon's `overallRate` is not:
// autocannon lets every connection send its whole per-second quota back to back at the top of
// each second, so it measures how fast a burst drains rather than latency at a steady rate.
//
//   node bench/lib/paced-run.mjs '{"url":"http://127.0.0.1:8090","pathsFile":"…","rate":1000,
//     "duration":30,"connections":64,"headers":{…}}'
// Prints one line: PACED_JSON {"requests":…,"rps":…,"p50":…,"p90":…,"p99":…,"max":…,…} (ms)
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const options = JSON.parse(process.argv[2]);
const paths = fs
  .readFileSync(options.pathsFile, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
const base = new URL(options.url);
const agent = new http.Agent({
  keepAlive: true,
  maxSockets: options.connections ?? 64,
  maxFreeSockets: options.connections ?? 64,
});
const headers = options.headers ?? {};

const latencies = [];
const statuses = {};
let errors = 0;
/** Due times of requests sent and not answered yet. */
const pending = new Set();
let firstFailure = null;
let lastAnswer = 0;

function fire(dueAt) {
  const entry = { dueAt };
  pending.add(entry);
  const req = http.request(
    {
      host: base.hostname,
      port: base.port,
      path: paths[Math.floor(Math.random() * paths.length)],
      agent,
      headers,
    },
    (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        pending.delete(entry);
        lastAnswer = performance.now();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - dueAt);
        else if (!firstFailure) firstFailure = `status ${res.statusCode}`;
      });
    },
  );
  req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  req.on('error', (error) => {
    pending.delete(entry);
    errors++;
    if (!firstFailure) firstFailure = error.message;
  });
  req.end();
}

const interval = 1000 / options.rate;
const start = performance.now() + 50;
const end = start + options.duration * 1000;
let next = start;
let scheduled = 0;
while (next < end) {
  const now = performance.now();
  while (next <= now && next < end) {
    fire(next);
    scheduled++;
    next = start + scheduled * interval;
  }
  await sleep(Math.max(0, Math.min(next - performance.now(), 5)));
}
const drainUntil = performance.now() + 15_000;
while (pending.size > 0 && performance.now() < drainUntil) await sleep(5);
// Requests still unanswered count with the time they have waited so far: a lower bound, so a
// server that fell behind cannot look fast by leaving its slowest requests out.
const unfinished = pending.size;
const now = performance.now();
for (const entry of pending) latencies.push(now - entry.dueAt);
agent.destroy();

latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? null;
const ok = latencies.length;
const answered = ok - unfinished;
const non2xx = Object.entries(statuses).reduce(
  (n, [code, count]) => n + (code >= 200 && code < 300 ? 0 : count),
  0,
);
process.stdout.write(
  'PACED_JSON ' +
    JSON.stringify({
      scheduled,
      requests: answered,
      // Answers per second from the first due time to the last answer (the drain included).
      rps: answered / (Math.max(lastAnswer - start, options.duration * 1000) / 1000),
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      p999: pct(99.9),
      max: latencies.at(-1) ?? null,
      mean: ok ? latencies.reduce((a, b) => a + b, 0) / ok : null,
      non2xx,
      errors,
      unfinished,
      statuses,
      firstFailure,
    }) +
    '\n',
);

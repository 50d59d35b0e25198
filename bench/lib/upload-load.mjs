// Upload load: `concurrency` loops each POSTing /v5/pins with the base64 JPEG, back to back, for
// `duration` seconds. Its own process, like every load generator here.
//
//   node bench/lib/upload-load.mjs '{"url":"http://127.0.0.1:8090","token":"pina_…","boardId":"…",
//     "jpeg":"bench/.work/photo.jpg","concurrency":3,"duration":30}'
// Prints one line: UPLOAD_JSON {"completed":…,"perSecond":…,"statuses":{…},"p50_ms":…,…}
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const options = JSON.parse(process.argv[2]);
const body = Buffer.from(
  JSON.stringify({
    board_id: options.boardId,
    title: 'Benchmark upload',
    description: 'A 4000×3000 photo-like JPEG sent as base64.',
    link: 'https://example.com/bench',
    media_source: {
      source_type: 'image_base64',
      content_type: 'image/jpeg',
      data: fs.readFileSync(options.jpeg).toString('base64'),
    },
  }),
);
const url = new URL('/v5/pins', options.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });

function post() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, text }));
      },
    );
    req.on('error', (error) =>
      resolve({ status: 'error', ms: performance.now() - started, text: error.message }),
    );
    req.end(body);
  });
}

const latencies = [];
const statuses = {};
let firstFailure = null;
const start = performance.now();
const deadline = start + options.duration * 1000;
let lastDone = start;

async function loop() {
  while (performance.now() < deadline) {
    const result = await post();
    lastDone = performance.now();
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    if (result.status === 201) latencies.push(result.ms);
    else if (!firstFailure) firstFailure = `${result.status}: ${result.text.slice(0, 300)}`;
  }
}
await Promise.all(Array.from({ length: options.concurrency }, loop));
agent.destroy();

latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? null;
const seconds = (lastDone - start) / 1000;
process.stdout.write(
  'UPLOAD_JSON ' +
    JSON.stringify({
      completed: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      statuses,
      firstFailure,
      bodyBytes: body.length,
      p50_ms: pct(50),
      p99_ms: pct(99),
      max_ms: latencies.at(-1) ?? null,
    }) +
    '\n',
);

// Fixed-rate load with autocannon, run as its own process (the load generator never shares the
// server's process). Each request takes a random path from a file, like the wrk script.
//
//   node bench/lib/autocannon-run.mjs '{"url":"http://127.0.0.1:8090","pathsFile":"…","rate":1000,
//     "duration":30,"connections":64,"headers":{"authorization":"Bearer …"}}'
// Prints one line: AUTOCANNON_JSON {…autocannon's result…}
import fs from 'node:fs';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const paths = fs
  .readFileSync(options.pathsFile, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);

const result = await autocannon({
  url: options.url,
  connections: options.connections ?? 64,
  duration: options.duration,
  ...(options.rate ? { overallRate: options.rate } : {}),
  headers: options.headers ?? {},
  timeout: 10,
  ignoreCoordinatedOmission: Boolean(options.ignoreCoordinatedOmission),
  requests: [
    {
      method: 'GET',
      setupRequest(request) {
        request.path = paths[Math.floor(Math.random() * paths.length)];
        return request;
      },
    },
  ],
});

const { requests, latency, throughput, errors, timeouts, non2xx, duration, statusCodeStats } = result;
process.stdout.write(
  'AUTOCANNON_JSON ' +
    JSON.stringify({ requests, latency, throughput, errors, timeouts, non2xx, duration, statusCodeStats }) +
    '\n',
);

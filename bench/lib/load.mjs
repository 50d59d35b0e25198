// Drivers for the load generators, each run as a separate process pinned to the load CPUs.
import path from 'node:path';
import { BENCH_DIR, runProcess } from './common.mjs';

function jsonLine(output, tag) {
  const line = output.split('\n').find((l) => l.startsWith(tag + ' '));
  if (!line) throw new Error(`no ${tag} line in the output:\n${output.slice(-2000)}`);
  return JSON.parse(line.slice(tag.length + 1));
}

/**
 * Maximum throughput with wrk: `connections` open connections sending back to back, each
 * request a random path from `pathsFile`. Latencies in milliseconds.
 */
export async function runWrk({
  baseUrl,
  pathsFile,
  headers = {},
  threads = 2,
  connections = 64,
  seconds,
  cpus,
}) {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--timeout',
    '5s',
    '-s',
    path.join(BENCH_DIR, 'wrk', 'random-paths.lua'),
  ];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(baseUrl, '--', pathsFile);
  const output = await runProcess('wrk', args, { cpus });
  const r = jsonLine(output, 'WRK_JSON');
  const errors = r.connect_errors + r.read_errors + r.write_errors + r.timeouts;
  return {
    tool: 'wrk',
    requests: r.requests,
    rps: r.requests / (r.duration_us / 1e6),
    p50: r.p50_us / 1000,
    p90: r.p90_us / 1000,
    p99: r.p99_us / 1000,
    max: r.max_us / 1000,
    non2xx: r.status_errors,
    errors,
  };
}

/** Fixed request rate with autocannon (its own process). Latencies in milliseconds. */
export async function runAutocannon({
  baseUrl,
  pathsFile,
  headers = {},
  rate,
  seconds,
  connections = 64,
  cpus,
  ignoreCoordinatedOmission = false,
}) {
  const options = {
    url: baseUrl,
    pathsFile,
    headers,
    rate,
    duration: seconds,
    connections,
    ignoreCoordinatedOmission,
  };
  const output = await runProcess(
    process.execPath,
    [path.join(BENCH_DIR, 'lib', 'autocannon-run.mjs'), JSON.stringify(options)],
    {
      cpus,
    },
  );
  const r = jsonLine(output, 'AUTOCANNON_JSON');
  return {
    tool: 'autocannon',
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * Fixed request rate, evenly paced and open-loop (bench/lib/paced-run.mjs): latency counted from
 * when each request was due. Latencies in milliseconds.
 */
export async function runPaced({ baseUrl, pathsFile, headers = {}, rate, seconds, connections = 64, cpus }) {
  const options = { url: baseUrl, pathsFile, headers, rate, duration: seconds, connections };
  const output = await runProcess(
    process.execPath,
    [path.join(BENCH_DIR, 'lib', 'paced-run.mjs'), JSON.stringify(options)],
    {
      cpus,
    },
  );
  return { tool: 'paced', ...jsonLine(output, 'PACED_JSON') };
}

/** POST /v5/pins with the JPEG at a fixed concurrency for `seconds`. */
export async function runUploads({ baseUrl, token, boardId, jpeg, concurrency, seconds, cpus }) {
  const options = { url: baseUrl, token, boardId, jpeg, concurrency, duration: seconds };
  const output = await runProcess(
    process.execPath,
    [path.join(BENCH_DIR, 'lib', 'upload-load.mjs'), JSON.stringify(options)],
    {
      cpus,
    },
  );
  return jsonLine(output, 'UPLOAD_JSON');
}

/** The media module's pipeline, in its own process (no HTTP), at a fixed concurrency for `seconds`. */
export async function runBarePipeline({ jpeg, concurrency, seconds, outDir, cpus, env = {} }) {
  const options = { jpeg, concurrency, duration: seconds, outDir };
  const output = await runProcess(
    process.execPath,
    [path.join(BENCH_DIR, 'lib', 'image-bare.mjs'), JSON.stringify(options)],
    {
      cpus,
      env,
    },
  );
  return jsonLine(output, 'IMAGE_JSON');
}

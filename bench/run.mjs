// `npm run bench` — Corkboard's load benchmark with in-run baselines (see bench/README.md and bench/RESULTS.md).
//
//   npm run bench                  full run (1,000,000 pins; about 10 minutes once the data exists)
//   npm run bench -- --quick       smoke run (100,000 pins, short rounds)
//   options: --no-build  --only=get,page,rate,image  --profile (CPU profile of the full server)
//
// Prints a table and rewrites bench/RESULTS.md. Targets are reported, never enforced: the process
// fails only when the benchmark itself cannot run.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BENCH_DIR,
  ROOT_DIR,
  benchServerEnv,
  WORK_DIR,
  installCleanup,
  runProcess,
  sleep,
  startProcess,
  stopAll,
  stopProcess,
  waitForHealth,
} from './lib/common.mjs';
import { cpuSnapshot, foreignCores, machineLoad, processCpuMs } from './lib/cpu.mjs';
import { runAutocannon, runBarePipeline, runPaced, runUploads, runWrk } from './lib/load.mjs';
import { ensurePhoto, PHOTO_HEIGHT, PHOTO_WIDTH } from './lib/photo.mjs';
import { machine, printSummary, writeResults } from './lib/report.mjs';
import { PROFILES, cleanUploads, dbPath, ensureDatabase, prewarm, readLines } from './seed.mjs';
import { holdInMemory, proactiveReclaim } from './lib/page-cache.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const quick = flag('quick');
const only = new Set(option('only', 'get,page,rate,image').split(','));

/** Two cores: servers on the last, load generators on the rest (override with SERVER_CPUS / LOAD_CPUS). */
const cpuCount = os.availableParallelism();
const SETTINGS = {
  profile: quick ? PROFILES.quick : PROFILES.full,
  serverCpus: process.env.SERVER_CPUS ?? (cpuCount > 1 ? String(cpuCount - 1) : null),
  loadCpus: process.env.LOAD_CPUS ?? (cpuCount > 2 ? `0-${cpuCount - 2}` : cpuCount === 2 ? '0' : null),
  rounds: Number(option('rounds', 3)),
  wrk: { threads: 2, connections: 64, seconds: quick ? 3 : 10, warmupSeconds: quick ? 2 : 5 },
  rate: {
    rps: Number(option('rate', 1000)),
    seconds: quick ? 5 : 30,
    connections: 64,
    rounds: Number(option('rate-rounds', quick ? 1 : 3)),
  },
  image: {
    concurrency: Number(option('upload-concurrency', 3)),
    /** Per round: bare and full alternate, SETTINGS.rounds times each. */
    seconds: quick ? 6 : 15,
    warmupSeconds: quick ? 2 : 5,
    /** Pin gets at getRate, quiet and then while uploads run. */
    getSeconds: quick ? 4 : 22,
    getRate: Number(option('upload-get-rate', 200)),
  },
};

/** Pids of the servers, so CPU they use is not counted as other processes' (see lib/cpu.mjs). */
const serverPids = [];

/** Cores' worth of CPU other processes may use during a measurement before it is taken again. */
const NOISY_CORES = 0.15;
const runStarted = Date.now();
/** Noisy measurements are retried (twice at most) only while a full run is under 12 minutes. */
const retryUntil = runStarted + (quick ? 0 : 12 * 60_000);

/**
 * Runs one measurement and notes how many cores' worth of CPU other processes took meanwhile;
 * when that skews it, waits for the machine to settle and measures again.
 */
async function measured(fn, label = 'measurement') {
  for (let attempt = 1; ; attempt++) {
    const before = cpuSnapshot(serverPids);
    const result = await fn();
    result.otherCpu = foreignCores(before, cpuSnapshot(serverPids));
    result.attempts = attempt;
    if (result.otherCpu <= NOISY_CORES || attempt > 2 || Date.now() > retryUntil) return result;
    log(
      `  ${label}: other processes used ${result.otherCpu.toFixed(2)} cores meanwhile; measuring again when quiet …`,
    );
    await waitForQuiet(60);
  }
}

/** Waits (up to `seconds`) for the machine to be quiet: other work running skews every figure. */
async function waitForQuiet(seconds) {
  const deadline = Date.now() + seconds * 1000;
  let load = await machineLoad(2000);
  while (load > 0.1 && Date.now() < deadline) {
    log(
      `The machine is ${(load * 100).toFixed(0)}% busy with other work; waiting for it to settle (up to ${seconds} s) …`,
    );
    await sleep(5000);
    load = await machineLoad(2000);
  }
  if (load > 0.1) log(`WARNING: measuring on a busy machine (${(load * 100).toFixed(0)}% busy).`);
  return load;
}

/** Set explicitly for the full server and the bare image pipeline alike (main.ts defaults it to 8). */
const UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE ?? '8';

const log = (...parts) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...parts);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function getJson(url, headers = {}) {
  const res = await globalThis.fetch(url, { headers });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

function writeLines(name, lines) {
  const file = path.join(WORK_DIR, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Checks the full stack answers 200 on seeded data; returns a reason when it does not. */
async function preflightPinGet(full, auth, ids) {
  for (const id of ids.slice(0, 20)) {
    const { status, body } = await getJson(`${full}/v5/pins/${id}`, auth);
    if (status !== 200) return `GET /v5/pins/${id} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`;
    if (body.id !== id) return `GET /v5/pins/${id} answered a pin with id ${body.id}`;
  }
  return null;
}

/**
 * Walks the big board page by page through the full stack (bookmarks are opaque and signed, so
 * they can only come from the server) and pairs each page with the bare server's keyset cursor.
 */
async function boardPagePaths(full, auth, meta, bigIds) {
  const base = `/v5/boards/${meta.bigBoardId}/pins`;
  const fullPaths = [base];
  const barePaths = [`/boards/${meta.bigBoardId}/pins`];
  let bookmark = null;
  let page = 0;
  const started = Date.now();
  for (;;) {
    const url = `${full}${base}${bookmark ? `?bookmark=${encodeURIComponent(bookmark)}` : ''}`;
    const { status, body } = await getJson(url, auth);
    if (status !== 200)
      return {
        problem: `GET ${base} (page ${page}) answered ${status}: ${JSON.stringify(body).slice(0, 300)}`,
      };
    const expected = bigIds.slice(page * 25, page * 25 + 25);
    const got = body.items.map((p) => p.id);
    if (got.length !== expected.length || got.some((id, i) => id !== expected[i])) {
      return {
        problem: `page ${page} of the big board is not its 25 pins newest first (got ${got.slice(0, 3).join(',')}…)`,
      };
    }
    bookmark = body.bookmark;
    page++;
    if (!bookmark) break;
    fullPaths.push(`${base}?bookmark=${encodeURIComponent(bookmark)}`);
    barePaths.push(`/boards/${meta.bigBoardId}/pins?before=${bigIds[page * 25 - 1]}`);
  }
  if (page * 25 < bigIds.length)
    return { problem: `the walk ended after ${page} pages for ${bigIds.length} pins` };
  log(`Walked ${page} pages of the big board in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { fullPaths, barePaths };
}

/** Alternating wrk rounds (bare, full, bare, full, …) after a warm-up of each. */
async function throughputRounds(name, targets) {
  const { wrk } = SETTINGS;
  for (const t of targets) {
    await runWrk({ ...t, ...wrk, seconds: wrk.warmupSeconds, cpus: SETTINGS.loadCpus });
  }
  const rounds = [];
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    for (const t of targets) {
      const r = await measured(
        () => runWrk({ ...t, ...wrk, cpus: SETTINGS.loadCpus }),
        `${name} ${t.server} round ${round}`,
      );
      rounds.push({ server: t.server, round, ...r });
      log(
        `${name} ${t.server.padEnd(14)} round ${round}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, ` +
          `p99 ${r.p99.toFixed(2)} ms${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}` +
          (r.otherCpu > 0.1 ? ` (other processes used ${r.otherCpu.toFixed(2)} cores meanwhile)` : ''),
      );
    }
  }
  return rounds;
}

/**
 * Latency at a fixed rate: evenly paced (open loop, latency from when each request was due), then
 * autocannon with overallRate. Each is run SETTINGS.rate.rounds times, alternating bare and full;
 * a tail percentile from one 30 s run swings with whatever else the machine did in it, so the
 * run with the median p99 stands for each server, with every round's p99 kept beside it.
 */
async function fixedRate(name, targets, rate = SETTINGS.rate.rps) {
  const out = { paced: {}, autocannon: {} };
  const common = {
    rate,
    seconds: SETTINGS.rate.seconds,
    connections: SETTINGS.rate.connections,
    cpus: SETTINGS.loadCpus,
  };
  const show = (tool, t, round, r) =>
    log(
      `${name} ${t.server.padEnd(4)} ${tool.padEnd(10)} round ${round} at ${rate} req/s: got ${r.rps.toFixed(0)} req/s, ` +
        `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms` +
        (r.serverBusy !== undefined
          ? `, server ${r.serverCpuPerRequest.toFixed(3)} ms CPU per request (${(r.serverBusy * 100).toFixed(0)}% of a core)`
          : '') +
        `${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}` +
        (r.otherCpu > 0.1 ? ` (other processes used ${r.otherCpu.toFixed(2)} cores meanwhile)` : ''),
    );
  const tools = [
    ['paced', (t) => runPaced({ ...t, ...common })],
    ['autocannon', (t) => runAutocannon({ ...t, ...common, ignoreCoordinatedOmission: true })],
  ];
  for (const [tool, run] of tools) {
    const runs = {};
    for (let round = 1; round <= SETTINGS.rate.rounds; round++) {
      for (const t of targets) {
        const r = await measured(
          () => withServerCpu(t.pid, () => run(t)),
          `${name} ${t.server} ${tool} round ${round}`,
        );
        (runs[t.server] ??= []).push(r);
        show(tool, t, round, r);
      }
    }
    for (const [server, list] of Object.entries(runs)) out[tool][server] = medianRun(list);
  }
  return out;
}

/**
 * Runs `fn` and adds what the server's process spent meanwhile: `serverCpuPerRequest` (ms of CPU,
 * every thread) and `serverBusy` (cores' worth). At a fixed rate this says how near the server ran
 * to its limit, which decides how long a queue takes to drain after any pause.
 */
async function withServerCpu(pid, fn) {
  const cpuBefore = processCpuMs(pid);
  const started = performance.now();
  const r = await fn();
  const cpu = processCpuMs(pid) - cpuBefore;
  if (r.requests > 0) {
    r.serverCpuPerRequest = cpu / r.requests;
    r.serverBusy = cpu / (performance.now() - started);
  }
  return r;
}

/**
 * The run with the median p99 (the lower middle one of an even count), with every run's p99 and
 * max in `roundsP99` / `roundsMax`; failures and other processes' CPU are totalled over all runs.
 */
function medianRun(runs) {
  const byP99 = [...runs].sort((a, b) => a.p99 - b.p99);
  const middle = byP99[Math.floor((byP99.length - 1) / 2)];
  const total = (key) => runs.reduce((sum, r) => sum + (r[key] ?? 0), 0);
  return {
    ...middle,
    non2xx: total('non2xx'),
    errors: total('errors'),
    ...(runs.some((r) => r.unfinished !== undefined) ? { unfinished: total('unfinished') } : {}),
    otherCpu: Math.max(...runs.map((r) => r.otherCpu ?? 0)),
    roundsP99: runs.map((r) => r.p99),
    roundsMax: runs.map((r) => r.max),
    roundsServerCpu: runs.map((r) => r.serverCpuPerRequest),
    roundsServerBusy: runs.map((r) => r.serverBusy),
  };
}

/**
 * The run with the median rate (the lower middle one of an even count), with every run's rate in
 * `roundsPerSecond`; failures and other processes' CPU over all runs.
 */
function medianRate(runs) {
  const byRate = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  const middle = byRate[Math.floor((byRate.length - 1) / 2)];
  return {
    ...middle,
    firstFailure: runs.find((r) => r.firstFailure)?.firstFailure ?? middle.firstFailure,
    otherCpu: Math.max(...runs.map((r) => r.otherCpu ?? 0)),
    roundsPerSecond: runs.map((r) => r.perSecond),
  };
}

async function main() {
  installCleanup();
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const startedAt = new Date();
  let buildProblem = null;
  const { profile } = SETTINGS;
  log(
    `${quick ? 'Quick' : 'Full'} run: ${profile.totalPins.toLocaleString('en')} pins; servers on CPU ${SETTINGS.serverCpus ?? 'any'}, ` +
      `load generators on CPU ${SETTINGS.loadCpus ?? 'any'}.`,
  );

  if (!flag('no-build')) {
    log('Building the server (npm run build) …');
    try {
      await runProcess('npm', ['run', 'build']);
    } catch (error) {
      // tsc still writes server/dist on type errors; measure it, but say so loudly.
      buildProblem =
        error.message
          .split('\n')
          .filter((l) => /error TS/.test(l))
          .slice(0, 5)
          .join('\n') || error.message.slice(0, 500);
      log(`WARNING: the build has type errors; measuring what tsc emitted anyway:\n${buildProblem}`);
    }
  }
  const meta = await ensureDatabase(profile, { log: (m) => log(m) });
  const removed = cleanUploads(profile, meta);
  if (removed) log(`Removed ${removed} pins left by an earlier run's uploads.`);
  const pageCache = await holdInMemory([dbPath(profile.dataDir)], { log });
  if (!pageCache.held) prewarm(profile);
  const jpeg = await ensurePhoto();
  const loadBefore = await waitForQuiet(Number(option('wait-quiet', quick ? 0 : 300)));

  const pinIds = readLines(path.join(profile.dataDir, 'pin-ids.txt'));
  const bigIds = readLines(path.join(profile.dataDir, 'big-board-ids.txt'));
  const auth = { authorization: `Bearer ${meta.token}` };

  const [fullPort, barePort, untunedPort, bareTunedPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const full = `http://127.0.0.1:${fullPort}`;
  const bare = `http://127.0.0.1:${barePort}`;
  // The same two servers the other way round on response batching (the full server's default): the full
  // server without it, the bare one with it. Only in the throughput rounds.
  const fullUntuned = `http://127.0.0.1:${untunedPort}`;
  const bareTuned = `http://127.0.0.1:${bareTunedPort}`;
  const profDir = path.join(WORK_DIR, 'profiles');
  const nodeFlags = flag('profile') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  log(
    `Starting the full server (${full}) and the bare server (${bare}), and untuned / tuned ` +
      `(${fullUntuned}, ${bareTuned}) …`,
  );
  const startFull = (name, port, extraFlags, extraEnv) =>
    startProcess(
      name,
      process.execPath,
      [...extraFlags, path.join(ROOT_DIR, 'server', 'dist', 'main.js'), 'serve'],
      {
        cpus: SETTINGS.serverCpus,
        env: {
          ...benchServerEnv({ port, dataDir: profile.dataDir, threadpoolSize: UV_THREADPOOL_SIZE }),
          ...extraEnv,
        },
      },
    );
  const startBare = (name, port, extraEnv) =>
    startProcess(name, process.execPath, [path.join(BENCH_DIR, 'bare-server.mjs')], {
      cpus: SETTINGS.serverCpus,
      env: { PORT: String(port), DB_PATH: dbPath(profile.dataDir), ...extraEnv },
    });
  const fullServer = startFull('full-server', fullPort, nodeFlags, {});
  const bareServer = startBare('bare-server', barePort, {});
  // "Tuned": response batching, the full server's default.
  const fullUntunedServer = startFull('full-untuned-server', untunedPort, [], {
    BATCH_RESPONSE_WRITES: 'false',
  });
  const bareTunedServer = startBare('bare-tuned-server', bareTunedPort, { BATCH_RESPONSE_WRITES: 'true' });
  await Promise.all([
    waitForHealth(`${full}/health`, fullServer),
    waitForHealth(`${bare}/health`, bareServer),
    waitForHealth(`${fullUntuned}/health`, fullUntunedServer),
    waitForHealth(`${bareTuned}/health`, bareTunedServer),
  ]);
  serverPids.push(fullServer.pid, bareServer.pid, fullUntunedServer.pid, bareTunedServer.pid);

  const results = {
    startedAt: startedAt.toISOString(),
    quick,
    settings: SETTINGS,
    meta: { ...meta, token: undefined, tokenHash: undefined },
    photo: {
      file: path.basename(jpeg),
      bytes: fs.statSync(jpeg).size,
      width: PHOTO_WIDTH,
      height: PHOTO_HEIGHT,
    },
    dbBytes: fs.statSync(dbPath(profile.dataDir)).size,
    skipped: {},
    buildProblem,
    loadBefore,
    machine: machine(),
    pageCache: {
      held: pageCache.held,
      bytes: pageCache.bytes,
      problem: pageCache.problem,
      reclaim: proactiveReclaim(),
    },
  };

  const fullGet = {
    server: 'full',
    pid: fullServer.pid,
    baseUrl: full,
    headers: auth,
    pathsFile: writeLines(
      'paths-full-pin.txt',
      pinIds.map((id) => `/v5/pins/${id}`),
    ),
  };
  const bareGet = {
    server: 'bare',
    pid: bareServer.pid,
    baseUrl: bare,
    pathsFile: writeLines(
      'paths-bare-pin.txt',
      pinIds.map((id) => `/pins/${id}`),
    ),
  };
  const getProblem = await preflightPinGet(full, auth, pinIds);
  if (getProblem) {
    log(`SKIPPING the full-stack pin get: ${getProblem}`);
    results.skipped.get = getProblem;
  }
  let fullPage = null;
  let barePage = null;
  if (only.has('page') || only.has('rate')) {
    const walk = await boardPagePaths(full, auth, meta, bigIds);
    if (walk.problem) {
      log(`SKIPPING the full-stack board page: ${walk.problem}`);
      results.skipped.page = walk.problem;
      // The bare server still runs: its pages come straight from the seeded ids.
      walk.barePaths = [`/boards/${meta.bigBoardId}/pins`];
      for (let i = 25; i < bigIds.length; i += 25)
        walk.barePaths.push(`/boards/${meta.bigBoardId}/pins?before=${bigIds[i - 1]}`);
    } else {
      fullPage = {
        server: 'full',
        pid: fullServer.pid,
        baseUrl: full,
        headers: auth,
        pathsFile: writeLines('paths-full-page.txt', walk.fullPaths),
      };
    }
    barePage = {
      server: 'bare',
      pid: bareServer.pid,
      baseUrl: bare,
      pathsFile: writeLines('paths-bare-page.txt', walk.barePaths),
    };
  }
  const withFull = (bareTarget, fullTarget, skip) => (skip ? [bareTarget] : [bareTarget, fullTarget]);
  /** bare, full, then the bare server tuned as the full one is (response batching) and the full one untuned. */
  const withVariants = (bareTarget, fullTarget, skip) => [
    ...withFull(bareTarget, fullTarget, skip),
    { ...bareTarget, server: 'bare tuned', baseUrl: bareTuned },
    ...(skip ? [] : [{ ...fullTarget, server: 'full untuned', baseUrl: fullUntuned }]),
  ];

  try {
    if (only.has('get')) {
      log(
        `Pin get: wrk -t${SETTINGS.wrk.threads} -c${SETTINGS.wrk.connections} -d${SETTINGS.wrk.seconds}s, ${SETTINGS.rounds} alternating rounds …`,
      );
      results.get = await throughputRounds('pin get', withVariants(bareGet, fullGet, results.skipped.get));
    }
    if (only.has('page')) {
      log('Board page: the same, over every page of the big board …');
      results.page = await throughputRounds(
        'board page',
        withVariants(barePage, fullPage, results.skipped.page),
      );
    }
    if (only.has('rate')) {
      if (!results.get && !results.page) {
        log('Warming the servers up with wrk …');
        for (const t of [
          bareGet,
          ...(results.skipped.get ? [] : [fullGet]),
          barePage,
          ...(fullPage ? [fullPage] : []),
        ]) {
          await runWrk({
            ...t,
            ...SETTINGS.wrk,
            seconds: SETTINGS.wrk.warmupSeconds,
            cpus: SETTINGS.loadCpus,
          });
        }
      }
      log(
        `Fixed rate: ${SETTINGS.rate.rps} req/s for ${SETTINGS.rate.seconds} s, evenly paced and then with autocannon …`,
      );
      results.rateGet = await fixedRate('pin get', withFull(bareGet, fullGet, results.skipped.get));
      results.ratePage = await fixedRate('board page', withFull(barePage, fullPage, results.skipped.page));
    }
    if (only.has('image')) await imageBench(results, { full, meta, jpeg, fullGet });
  } finally {
    log('Stopping the servers …');
    for (const server of [fullServer, bareServer, fullUntunedServer, bareTunedServer])
      await stopProcess(server);
    cleanUploads(profile, meta);
  }

  results.finishedAt = new Date().toISOString();
  fs.writeFileSync(
    path.join(WORK_DIR, quick ? 'last-results-quick.json' : 'last-results.json'),
    JSON.stringify(results, null, 2),
  );
  const summary = printSummary(results);
  if (!quick && only.size === 4) {
    await writeResults(results, summary);
    log('Wrote bench/RESULTS.md.');
  } else {
    await writeResults(
      results,
      summary,
      path.join(WORK_DIR, quick ? 'RESULTS-quick.md' : 'RESULTS-partial.md'),
    );
    log(
      `Wrote bench/.work/${quick ? 'RESULTS-quick.md' : 'RESULTS-partial.md'} (bench/RESULTS.md is rewritten by full runs only).`,
    );
  }
}

async function imageBench(results, { full, meta, jpeg, fullGet }) {
  const { image } = SETTINGS;
  const outDir = path.join(WORK_DIR, 'bare-media');
  const upload = {
    baseUrl: full,
    token: meta.token,
    boardId: meta.uploadBoardId,
    jpeg,
    concurrency: image.concurrency,
    seconds: image.seconds,
    cpus: SETTINGS.loadCpus,
  };
  // Alternating rounds, as for wrk: the machine's speed drifts over a run (seen: a third slower
  // within a minute), and two back-to-back 30 s runs compared that drift, not the stacks.
  log(`Warming the full server up with uploads (${image.warmupSeconds} s) …`);
  await runUploads({ ...upload, seconds: image.warmupSeconds });
  log(
    `Image create, ${SETTINGS.rounds} alternating rounds of ${image.seconds} s: the bare pipeline without HTTP, then ` +
      `POST /v5/pins with the ${PHOTO_WIDTH}×${PHOTO_HEIGHT} JPEG, ${image.concurrency} at a time each …`,
  );
  const bareRuns = [];
  const fullRuns = [];
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    if (!results.skipped.imageBare) {
      try {
        const r = await measured(
          () =>
            runBarePipeline({
              jpeg,
              concurrency: image.concurrency,
              seconds: image.seconds,
              outDir,
              cpus: SETTINGS.serverCpus,
              env: { UV_THREADPOOL_SIZE },
            }),
          `bare image pipeline round ${round}`,
        );
        bareRuns.push(r);
        log(`  round ${round} bare: ${r.perSecond.toFixed(2)} images/s (function ${r.pipeline})`);
      } catch (error) {
        results.skipped.imageBare = error.message.split('\n')[0];
        log(`SKIPPING the bare pipeline: ${error.message}`);
      } finally {
        fs.rmSync(outDir, { recursive: true, force: true });
      }
    }
    const r = await measured(() => runUploads(upload), `uploads round ${round}`);
    fullRuns.push(r);
    log(`  round ${round} full: ${r.perSecond.toFixed(2)} pins/s; statuses ${JSON.stringify(r.statuses)}`);
  }
  if (bareRuns.length > 0) results.imageBare = medianRate(bareRuns);
  results.imageFull = medianRate(fullRuns);
  log(
    `  median of ${SETTINGS.rounds}: bare ${results.imageBare?.perSecond.toFixed(2) ?? '—'} images/s, ` +
      `full ${results.imageFull.perSecond.toFixed(2)} pins/s`,
  );
  if (results.imageFull.completed === 0) {
    results.skipped.imageFull = `no upload succeeded: ${results.imageFull.firstFailure}`;
    log(`SKIPPING uploads under read load: ${results.skipped.imageFull}`);
    return;
  }
  if (results.skipped.get) return;

  // Pin gets at a fixed rate while the uploads run: quiet first, then under uploads, same rate.
  const rate = image.getRate;
  const getSeconds = image.getSeconds;
  log(`Pin get at ${rate} req/s evenly paced for ${getSeconds} s, quiet and then while uploads run …`);
  results.uploadGetQuiet = await measured(() =>
    runPaced({ ...fullGet, rate, seconds: getSeconds, cpus: SETTINGS.loadCpus }),
  );
  const before = cpuSnapshot(serverPids);
  const uploads = runUploads({ ...upload, seconds: getSeconds + 4 });
  await sleep(2000);
  results.uploadGet = await runPaced({ ...fullGet, rate, seconds: getSeconds, cpus: SETTINGS.loadCpus });
  results.uploadUnderGets = await uploads;
  results.uploadGet.otherCpu = results.uploadUnderGets.otherCpu = foreignCores(
    before,
    cpuSnapshot(serverPids),
  );
  log(
    `  quiet p99 ${results.uploadGetQuiet.p99.toFixed(2)} ms; during uploads p50 ${results.uploadGet.p50.toFixed(2)} ms, ` +
      `p99 ${results.uploadGet.p99.toFixed(2)} ms, max ${results.uploadGet.max.toFixed(2)} ms (${results.uploadUnderGets.perSecond.toFixed(2)} pins/s meanwhile)`,
  );
}

main()
  .catch(async (error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
  });

// `npm run bench:auth` — what the token check, rate limit and request log cost on GET /v5/pins/{id}
// (issue 3). In one run, on one seeded SQLite file, three servers take turns under the same load:
//
//   bare        bench/bare-server.mjs: Fastify + better-sqlite3, no auth (the baseline of bench/run.mjs)
//   guarded     Corkboard as served: bearer token check, rate limit (counted, never reached), request log
//   unguarded   the same build and entry point with `benchWithoutApiGuards`: /v5 operations act as the
//               bench user with no token check, rate limit or request log. It is a buildApp option only
//               (no setting, no command reaches it) and buildApp refuses it in production mode.
//   guarded-redis  (with --redis) guarded, with the counters in Redis at REDIS_URL (default 127.0.0.1:6379)
//   switched    guarded, with a bench-only switch (`benchApiGuardSwitch`) that skips the guards at run time:
//               each round measures it in windows with the guards on and off in turn (on, off, off, on, on,
//               off), so the guards' cost is also measured within one process, free of the difference
//               between two processes of one build (which can be larger than the guards' cost)
//
//   npm run bench:auth                      100,000 pins, 3 rounds of 10 s (about 4 minutes)
//   options: --no-build  --full (1,000,000 pins)  --rounds=N  --seconds=N  --paired-seconds=N  --redis
//
// wrk -t2 -c64, a random pin per request, rounds alternating bare, guarded, unguarded, …; medians.
// Each round starts fresh server processes and warms them up (a process can be slow for as long as it lives).
// Targets (reported, never enforced): guarded ≥ 0.85 × unguarded, guarded ≥ 0.75 × bare.
// Prints the figures and a Markdown block; writes bench/.work/auth-overhead.json.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  BENCH_DIR,
  WORK_DIR,
  benchServerEnv,
  importDist,
  installCleanup,
  median,
  sleep,
  runProcess,
  startProcess,
  stopAll,
  stopProcess,
  waitForHealth,
} from './lib/common.mjs';
import { cpuSnapshot, foreignCores, machineLoad } from './lib/cpu.mjs';
import { runWrk } from './lib/load.mjs';
import { PROFILES, dbPath, ensureDatabase, prewarm, readLines } from './seed.mjs';
import { holdInMemory } from './lib/page-cache.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};

/** One server (a child of the runner): the built app, listening, with or without the API guards. */
async function serve(mode) {
  const { loadConfig } = await importDist('config.js');
  const { buildApp } = await importDist('app.js');
  const config = loadConfig(process.env);
  const meta = JSON.parse(fs.readFileSync(process.env.BENCH_META, 'utf8'));
  const caller = { userId: meta.userId, appId: meta.appId };
  const state = { guardsOff: false };
  const app = await buildApp(
    config,
    mode === 'unguarded'
      ? { benchWithoutApiGuards: caller }
      : mode === 'switched'
        ? { benchApiGuardSwitch: { caller, state } }
        : {},
  );
  await app.listen({ host: config.host, port: config.port });
  if (mode === 'switched') {
    // The runner turns the guards on and off through this port (GET /guards/on, /guards/off).
    http
      .createServer((request, response) => {
        if (request.url === '/guards/off') state.guardsOff = true;
        else if (request.url === '/guards/on') state.guardsOff = false;
        response.end(state.guardsOff ? 'off' : 'on');
      })
      .listen(Number(process.env.CONTROL_PORT), '127.0.0.1');
  }
  const close = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

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

const log = (...parts) => console.log(`[bench:auth ${new Date().toISOString().slice(11, 19)}]`, ...parts);

async function runner() {
  installCleanup();
  const full = flag('full');
  const profile = {
    ...(full ? PROFILES.full : PROFILES.quick),
    dataDir: path.join(WORK_DIR, full ? 'data-auth-full' : 'data-auth'),
  };
  const cpuCount = os.availableParallelism();
  const serverCpus = process.env.SERVER_CPUS ?? (cpuCount > 1 ? String(cpuCount - 1) : null);
  const loadCpus =
    process.env.LOAD_CPUS ?? (cpuCount > 2 ? `0-${cpuCount - 2}` : cpuCount === 2 ? '0' : null);
  const rounds = Number(option('rounds', 3));
  const wrk = { threads: 2, connections: 64, seconds: Number(option('seconds', 10)), warmupSeconds: 5 };
  const pairedSeconds = Number(option('paired-seconds', 5));
  const PAIRED_ORDER = ['on', 'off', 'off', 'on', 'on', 'off'];
  const redisUrl = flag('redis') ? process.env.REDIS_URL || 'redis://127.0.0.1:6379' : null;
  const UV_THREADPOOL_SIZE = process.env.UV_THREADPOOL_SIZE ?? '8';

  let buildProblem = null;
  if (!flag('no-build')) {
    log('Building the server (npm run build) …');
    try {
      await runProcess('npm', ['run', 'build']);
    } catch (error) {
      buildProblem = error.message
        .split('\n')
        .filter((l) => /error TS/.test(l))
        .slice(0, 5)
        .join('\n');
      log(`WARNING: the build has type errors; measuring what tsc emitted anyway:\n${buildProblem}`);
    }
  }
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const meta = await ensureDatabase(profile, { log: (m) => log(m) });
  if (!(await holdInMemory([dbPath(profile.dataDir)], { log })).held) prewarm(profile);
  const metaFile = path.join(profile.dataDir, 'bench-meta.json');
  const pinIds = readLines(path.join(profile.dataDir, 'pin-ids.txt'));
  // Other work on the machine skews every figure: wait (up to --wait-quiet seconds) for it to settle.
  const quietDeadline = Date.now() + Number(option('wait-quiet', 120)) * 1000;
  let loadBefore = await machineLoad(2000);
  while (loadBefore > 0.1 && Date.now() < quietDeadline) {
    log(`The machine is ${(loadBefore * 100).toFixed(0)}% busy with other work; waiting for it to settle …`);
    await sleep(5000);
    loadBefore = await machineLoad(2000);
  }
  if (loadBefore > 0.1) log(`WARNING: measuring on a busy machine (${(loadBefore * 100).toFixed(0)}% busy).`);

  const appEnv = (port) => ({
    ...benchServerEnv({ port, dataDir: profile.dataDir, threadpoolSize: UV_THREADPOOL_SIZE }),
    BENCH_META: metaFile,
  });
  const variants = [
    {
      name: 'bare',
      script: path.join(BENCH_DIR, 'bare-server.mjs'),
      env: { DB_PATH: dbPath(profile.dataDir) },
    },
    { name: 'guarded', args: ['--serve=guarded'], app: true },
    { name: 'unguarded', args: ['--serve=unguarded'], app: true },
    ...(redisUrl ? [{ name: 'guarded-redis', args: ['--serve=guarded'], app: true, redis: true }] : []),
    { name: 'switched', args: ['--serve=switched'], app: true, paired: true },
  ];
  for (const v of variants) {
    v.pathsFile = path.join(WORK_DIR, `paths-auth-${v.name === 'bare' ? 'bare' : 'full'}.txt`);
    fs.writeFileSync(
      v.pathsFile,
      pinIds.map((id) => (v.name === 'bare' ? `/pins/${id}` : `/v5/pins/${id}`)).join('\n') + '\n',
    );
    // Only the guarded servers see the token; the unguarded one must answer without it.
    v.headers = v.app && v.name !== 'unguarded' ? { authorization: `Bearer ${meta.token}` } : {};
  }
  // Every round starts its own server processes: two copies of one build can differ by a
  // quarter for as long as they live (see bench/RESULTS.md), so a run must not hang on one draw.
  let serverPids = [];
  const startServers = async () => {
    serverPids = [];
    for (const v of variants) {
      v.port = await freePort();
      v.base = `http://127.0.0.1:${v.port}`;
      if (v.paired) v.control = `http://127.0.0.1:${await freePort()}`;
      v.process = startProcess(
        `auth-${v.name}`,
        process.execPath,
        v.app ? [path.join(BENCH_DIR, 'auth-overhead.mjs'), ...v.args] : [v.script],
        {
          cpus: serverCpus,
          env: v.app
            ? {
                ...appEnv(v.port),
                ...(v.redis ? { REDIS_URL: redisUrl } : {}),
                ...(v.control ? { CONTROL_PORT: v.control.split(':')[2] } : {}),
              }
            : { PORT: String(v.port), ...v.env },
        },
      );
      await waitForHealth(`${v.base}/health`, v.process);
      serverPids.push(v.process.pid);
    }
  };
  const stopServers = async () => {
    for (const v of variants) await stopProcess(v.process);
  };
  const warmUp = async () => {
    for (const v of variants) {
      await runWrk({
        baseUrl: v.base,
        pathsFile: v.pathsFile,
        headers: v.headers,
        ...wrk,
        seconds: wrk.warmupSeconds,
        cpus: loadCpus,
      });
    }
  };
  await startServers();
  log(`Servers up on CPU ${serverCpus ?? 'any'}: ${variants.map((v) => `${v.name} ${v.base}`).join(', ')}`);

  try {
    for (const v of variants) {
      for (const id of pinIds.slice(0, 10)) {
        const res = await globalThis.fetch(`${v.base}${v.name === 'bare' ? '' : '/v5'}/pins/${id}`, {
          headers: v.headers,
        });
        const body = await res.json();
        if (res.status !== 200 || body.id !== id)
          throw new Error(
            `${v.name}: GET pin ${id} answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`,
          );
      }
    }
    const noToken = await globalThis.fetch(`${variants[1].base}/v5/pins/${pinIds[0]}`);
    if (noToken.status !== 401)
      throw new Error(`the guarded server answered ${noToken.status} without a token`);
    const switched = variants.find((v) => v.paired);
    const setGuards = async (state) => {
      const res = await globalThis.fetch(`${switched.control}/guards/${state}`);
      if ((await res.text()) !== state)
        throw new Error(`the switched server did not turn its guards ${state}`);
    };
    for (const state of ['off', 'on']) {
      await setGuards(state);
      const res = await globalThis.fetch(`${switched.base}/v5/pins/${pinIds[0]}`);
      if (res.status !== (state === 'off' ? 200 : 401))
        throw new Error(`the switched server answered ${res.status} without a token, guards ${state}`);
    }

    const compared = variants.filter((v) => !v.paired);
    log(
      `wrk -t${wrk.threads} -c${wrk.connections} -d${wrk.seconds}s, ${rounds} rounds alternating ${compared.map((v) => v.name).join(', ')}, ` +
        `then ${switched.name} with its guards ${PAIRED_ORDER.join(', ')} (${pairedSeconds} s each) …`,
    );
    const results = Object.fromEntries(compared.map((v) => [v.name, []]));
    const paired = [];
    for (let round = 1; round <= rounds; round++) {
      if (round > 1) {
        await stopServers();
        await startServers();
      }
      log(`Round ${round}: fresh servers; warm-up, ${wrk.warmupSeconds} s of wrk on each …`);
      await warmUp();
      for (const v of compared) {
        const before = cpuSnapshot(serverPids);
        const r = await runWrk({
          baseUrl: v.base,
          pathsFile: v.pathsFile,
          headers: v.headers,
          ...wrk,
          cpus: loadCpus,
        });
        r.otherCpu = foreignCores(before, cpuSnapshot(serverPids));
        results[v.name].push(r);
        log(
          `${v.name.padEnd(13)} round ${round}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms` +
            `${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}, other CPU ${r.otherCpu.toFixed(2)} cores`,
        );
      }
      // One process, the guards on and off in turn (ABBA order, so a drift in time cancels out).
      const windows = { on: [], off: [] };
      let pairedProblems = 0;
      for (const state of PAIRED_ORDER) {
        await setGuards(state);
        const r = await runWrk({
          baseUrl: switched.base,
          pathsFile: switched.pathsFile,
          headers: switched.headers,
          ...wrk,
          seconds: pairedSeconds,
          cpus: loadCpus,
        });
        windows[state].push(r.rps);
        pairedProblems += r.non2xx + r.errors;
      }
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      const cost = 1 - sum(windows.on) / sum(windows.off);
      paired.push({ on: windows.on, off: windows.off, cost, problems: pairedProblems });
      log(
        `switched      round ${round}: guards on ${windows.on.map((x) => x.toFixed(0)).join(' / ')}, ` +
          `off ${windows.off.map((x) => x.toFixed(0)).join(' / ')} req/s: guards cost ${(cost * 100).toFixed(1)}%` +
          `${pairedProblems ? `, ${pairedProblems} non-2xx or errors` : ''}`,
      );
    }

    // The request log did its work in the guarded runs: rows written (pruned to 1,000 per app).
    const db = new SQLite(dbPath(profile.dataDir), { readonly: true });
    const logged = Number(
      db.prepare('select count(*) as n from request_log where app_id = ?').get(meta.appId).n,
    );
    db.close();

    const med = Object.fromEntries(
      compared.map((v) => [
        v.name,
        {
          rps: median(results[v.name].map((r) => r.rps)),
          p50: median(results[v.name].map((r) => r.p50)),
          p99: median(results[v.name].map((r) => r.p99)),
          non2xx: results[v.name].reduce((n, r) => n + r.non2xx + r.errors, 0),
          otherCpu: Math.max(...results[v.name].map((r) => r.otherCpu)),
        },
      ]),
    );
    const overhead = 1 - med.guarded.rps / med.unguarded.rps;
    // Each round's guarded run against the unguarded one right after it: less exposed to load
    // that comes and goes over the whole run than the ratio of the medians.
    const roundOverheads = results.guarded.map((r, i) => 1 - r.rps / results.unguarded[i].rps);
    const vsBare = med.guarded.rps / med.bare.rps;
    const summary = {
      startedAt: new Date().toISOString(),
      pins: profile.totalPins,
      sampledPins: pinIds.length,
      rounds,
      wrk,
      serverCpus,
      loadCpus,
      cpus: `${os.cpus()[0]?.model ?? 'unknown'} × ${cpuCount}`,
      loadBefore,
      buildProblem,
      medians: med,
      rounds_: results,
      overhead,
      roundOverheads,
      vsBare,
      redisOverhead: med['guarded-redis'] ? 1 - med['guarded-redis'].rps / med.unguarded.rps : null,
      requestLogRows: logged,
      paired: {
        seconds: pairedSeconds,
        order: PAIRED_ORDER,
        rounds: paired,
        cost: median(paired.map((p) => p.cost)),
      },
    };
    fs.writeFileSync(path.join(WORK_DIR, 'auth-overhead.json'), JSON.stringify(summary, null, 2));
    console.log('\n' + markdown(summary, compared) + '\n');
  } finally {
    await stopServers();
    await stopAll();
  }
}

function markdown(s, variants) {
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  const rows = variants
    .map((v) => {
      const m = s.medians[v.name];
      const each = s.rounds_[v.name].map((r) => r.rps.toFixed(0)).join(' / ');
      return `| ${v.name} | ${m.rps.toFixed(0)} | ${each} | ${m.p50.toFixed(2)} | ${m.p99.toFixed(2)} | ${m.non2xx} | ${m.otherCpu.toFixed(2)} |`;
    })
    .join('\n');
  return `| Server | median req/s | rounds | p50 ms | p99 ms | non-2xx + errors | other CPU (max, cores) |
|---|---|---|---|---|---|---|
${rows}

- Guards' cost: guarded is ${pct(s.overhead)} below unguarded (target < 15%): **${s.overhead < 0.15 ? 'pass' : 'FAIL'}**; round by round ${s.roundOverheads.map(pct).join(', ')} (median ${pct(median(s.roundOverheads))})${
    s.redisOverhead !== null ? `; with Redis counters ${pct(s.redisOverhead)}` : ''
  }
- Guards' cost within one process (guards switched on and off in turn, ${s.paired.order.length} windows of ${s.paired.seconds} s per round): **${pct(s.paired.cost)}** median (target < 15%): **${s.paired.cost < 0.15 ? 'pass' : 'FAIL'}**; round by round ${s.paired.rounds.map((p) => pct(p.cost)).join(', ')}${
    s.paired.rounds.some((p) => p.problems)
      ? ` (non-2xx or errors: ${s.paired.rounds.map((p) => p.problems).join(', ')})`
      : ''
  }
- Guarded / bare: ${s.vsBare.toFixed(2)}× (target ≥ 0.75×): **${s.vsBare >= 0.75 ? 'pass' : 'FAIL'}**
- ${s.pins.toLocaleString('en')} pins, requests over ${s.sampledPins.toLocaleString('en')} random ones; ${s.rounds} rounds of wrk -t${s.wrk.threads} -c${s.wrk.connections} -d${s.wrk.seconds}s after ${s.wrk.warmupSeconds} s warm-ups; servers on CPU ${s.serverCpus}, wrk on CPU ${s.loadCpus}; ${s.cpus}; machine ${(s.loadBefore * 100).toFixed(0)}% busy before the start
- Request-log rows of the bench app afterwards: ${s.requestLogRows} (written in batches, pruned to 1,000)`;
}

const serveMode = option('serve', null);
if (serveMode) await serve(serveMode);
else await runner();

// The summary table (stdout) and bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import sharp from 'sharp';
import { BENCH_DIR, ROOT_DIR, median } from './common.mjs';

export const TARGETS = {
  throughput: 0.75, // full req/s ≥ 0.75 × bare req/s
  p99: 2, // full p99 at the fixed rate ≤ 2 × bare p99
  image: 0.8, // full pins/s ≥ 0.8 × bare images/s
};

const NOTES_START = '<!-- notes:start -->';
const NOTES_END = '<!-- notes:end -->';

const fmt = (v, digits = 0) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
const ms = (v) => fmt(v, v !== null && v !== undefined && v < 10 ? 2 : 1);
const cores = (v) => (Number.isFinite(v) ? v.toFixed(2) : '—');
const ratio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');

function medianOf(rounds, server) {
  const mine = (rounds ?? []).filter((r) => r.server === server);
  if (mine.length === 0) return null;
  return {
    rps: median(mine.map((r) => r.rps)),
    p50: median(mine.map((r) => r.p50)),
    p99: median(mine.map((r) => r.p99)),
    max: median(mine.map((r) => r.max)),
    failed: mine.reduce((n, r) => n + r.non2xx + r.errors, 0),
  };
}

function maxOther(measurements) {
  const values = (measurements ?? []).filter((m) => m && Number.isFinite(m.otherCpu)).map((m) => m.otherCpu);
  return values.length ? Math.max(...values) : NaN;
}

/** One row per target: what was compared, the figures, the ratio and pass/fail. */
export function summarize(results) {
  const rows = [];
  const skipNote = (key) => (results.skipped[key] ? `not measured: ${results.skipped[key]}` : 'not measured');
  for (const [key, label, short] of [
    ['get', 'Pin get (GET /v5/pins/{id}), wrk max req/s, median', 'Pin get'],
    ['page', 'Board page (GET /v5/boards/{id}/pins), wrk max req/s, median', 'Board page'],
  ]) {
    if (!results[key]) continue;
    const bare = medianOf(results[key], 'bare');
    const full = medianOf(results[key], 'full');
    const r = full && bare ? full.rps / bare.rps : NaN;
    rows.push({
      label,
      bare: bare ? `${fmt(bare.rps)} req/s` : '—',
      full: full ? `${fmt(full.rps)} req/s` : skipNote(key),
      ratio: r,
      target: `≥ ${TARGETS.throughput}×`,
      pass: Number.isFinite(r) ? r >= TARGETS.throughput && full.failed === 0 : null,
      failedRequests: full?.failed ?? 0,
      otherCpu: maxOther(results[key]),
    });
    // For comparison, no target: both servers tuned the same way (response batching, memory-mapped reads).
    const bareTuned = medianOf(results[key], 'bare tuned');
    const fullUntuned = medianOf(results[key], 'full untuned');
    const info = (rowLabel, b, f, bName, fName) =>
      rows.push({
        label: rowLabel,
        bare: `${fmt(b.rps)} req/s (${bName})`,
        full: `${fmt(f.rps)} req/s (${fName})`,
        ratio: f.rps / b.rps,
        target: '(info)',
        pass: null,
        info: true,
        failedRequests: f.failed,
        otherCpu: maxOther(results[key]),
      });
    if (full && bareTuned) info(`${short}, like for like: both tuned`, bareTuned, full, 'bare tuned', 'full');
    if (fullUntuned && bare)
      info(`${short}, like for like: neither tuned`, bare, fullUntuned, 'bare', 'full untuned');
  }
  for (const [key, skipKey, label] of [
    ['rateGet', 'get', 'Pin get'],
    ['ratePage', 'page', 'Board page'],
  ]) {
    for (const [tool, how] of [
      ['paced', 'evenly paced'],
      ['autocannon', 'autocannon overallRate'],
    ]) {
      const r = results[key]?.[tool];
      if (!r) continue;
      const q = r.full && r.bare ? r.full.p99 / r.bare.p99 : NaN;
      const failed = r.full ? r.full.non2xx + r.full.errors : 0;
      // At a rate above what the server can answer, requests queue and p99 is the backlog's age.
      const capacity = medianOf(results[skipKey], 'full')?.rps;
      rows.push({
        label: `${label} p99 at ${results.settings.rate.rps} req/s, ${how}`,
        bare: r.bare ? `${ms(r.bare.p99)} ms` : '—',
        full: r.full ? `${ms(r.full.p99)} ms` : skipNote(skipKey),
        ratio: q,
        target: `≤ ${TARGETS.p99}×`,
        pass: Number.isFinite(q) ? q <= TARGETS.p99 && failed === 0 : null,
        failedRequests: failed,
        unfinished: r.full?.unfinished ?? 0,
        otherCpu: maxOther([r.bare, r.full]),
        overCapacity: capacity && capacity < results.settings.rate.rps * 1.1 ? capacity : null,
        serverLoad: r.bare?.serverBusy !== undefined && r.full?.serverBusy !== undefined ? r : null,
      });
    }
  }
  if (results.imageBare || results.imageFull) {
    const bare = results.imageBare?.perSecond;
    const full = results.imageFull?.completed ? results.imageFull.perSecond : null;
    const q = bare && full ? full / bare : NaN;
    rows.push({
      label: `Image create, ${results.settings.image.concurrency} at a time: POST /v5/pins vs the bare pipeline`,
      bare: bare ? `${fmt(bare, 2)} images/s` : skipNote('imageBare'),
      full: full ? `${fmt(full, 2)} pins/s` : skipNote('imageFull'),
      ratio: q,
      target: `≥ ${TARGETS.image}×`,
      pass: Number.isFinite(q) ? q >= TARGETS.image : null,
      failedRequests: 0,
      otherCpu: maxOther([results.imageBare, results.imageFull]),
    });
  }
  return rows;
}

const verdict = (pass) => (pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL');
const rowVerdict = (row) => (row.info ? 'info' : verdict(row.pass));

export function printSummary(results) {
  const rows = summarize(results);
  const table = [['Measure', 'Bare', 'Full stack', 'Full/bare', 'Target', 'Result', 'Other CPU']];
  for (const r of rows) {
    table.push([r.label, r.bare, r.full, ratio(r.ratio), r.target, rowVerdict(r), cores(r.otherCpu)]);
  }
  if (results.uploadGet) {
    table.push([
      `Pin get p99 at ${results.settings.image.getRate} req/s: quiet → while uploading`,
      '',
      `${ms(results.uploadGetQuiet.p99)} → ${ms(results.uploadGet.p99)} ms`,
      ratio(results.uploadGet.p99 / results.uploadGetQuiet.p99),
      '(info)',
      '',
      cores(Math.max(results.uploadGetQuiet.otherCpu, results.uploadGet.otherCpu)),
    ]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => String(row[c]).length)));
  const line = (row) => row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ');
  console.log('\n' + line(table[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of table.slice(1)) console.log(line(row));
  console.log('');
  return rows;
}

/** The machine and software, read when the run starts (the commit is the one built and measured). */
export function machine() {
  const cpus = os.cpus();
  const sqliteVersion = (() => {
    const db = new SQLite(':memory:');
    const v = db.prepare('select sqlite_version() as v').get().v;
    db.close();
    return v;
  })();
  const tryRun = (cmd, args) => {
    try {
      return execFileSync(cmd, args, {
        cwd: ROOT_DIR,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch (error) {
      return (error.stdout ?? '').trim();
    }
  };
  const pkg = (name) =>
    JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite: sqliteVersion,
    vips: sharp.versions.vips,
    sharp: sharp.versions.sharp,
    fastify: pkg('fastify'),
    betterSqlite3: pkg('better-sqlite3'),
    wrk: tryRun('wrk', ['-v'])
      .split('\n')[0]
      .replace(/ Copyright.*/, ''),
    autocannon: pkg('autocannon'),
    commit: tryRun('git', ['rev-parse', '--short', 'HEAD']),
    dirty: tryRun('git', ['status', '--porcelain', '--', 'server']).length > 0,
  };
}

function roundsTable(rounds) {
  const lines = [
    '| Server | Round | req/s | p50 ms | p99 ms | max ms | non-2xx | errors | other CPU |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const server of ['bare', 'full', 'bare tuned', 'full untuned']) {
    const mine = rounds.filter((r) => r.server === server);
    if (mine.length === 0) continue;
    for (const r of mine) {
      lines.push(
        `| ${server} | ${r.round} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.non2xx} | ${r.errors} | ${cores(r.otherCpu)} |`,
      );
    }
    const m = medianOf(rounds, server);
    lines.push(
      `| **${server}** | **median** | **${fmt(m.rps)}** | **${ms(m.p50)}** | **${ms(m.p99)}** | ${ms(m.max)} | | | |`,
    );
  }
  return lines.join('\n');
}

/** "0.912 (91%) / …" per round: the server's CPU per request and how busy that kept it. */
function serverCpuRounds(x) {
  if (!x.roundsServerCpu || x.roundsServerCpu.some((v) => v === undefined)) return '—';
  return x.roundsServerCpu
    .map((cpu, i) => `${cpu.toFixed(3)} (${(x.roundsServerBusy[i] * 100).toFixed(0)}%)`)
    .join(' / ');
}

function rateTable(entries) {
  const lines = [
    '| Endpoint | Load | Server | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | p99 of each round, ms | server CPU per request, ms (share of a core), each round | non-2xx | errors | unanswered | other CPU |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [label, tool, r] of entries) {
    if (!r) continue;
    for (const server of ['bare', 'full']) {
      const x = r[server];
      if (!x) continue;
      lines.push(
        `| ${label} | ${tool} | ${server} | ${fmt(x.rps)} | ${ms(x.p50)} | ${ms(x.p90)} | ${ms(x.p99)} | ${ms(x.max)} | ${x.roundsP99 ? x.roundsP99.map(ms).join(' / ') : '—'} | ${serverCpuRounds(x)} | ${x.non2xx} | ${x.errors} | ${x.unfinished ?? '—'} | ${cores(x.otherCpu)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Sentences that follow from the figures alone; the hand-written notes below them say why. */
function reading(results, rows) {
  const out = [];
  for (const r of rows) {
    if (r.info)
      out.push(`- ${r.label}: ${r.full} vs ${r.bare} → ${ratio(r.ratio)} (for comparison; no target).`);
    else if (r.pass === null) out.push(`- ${r.label}: not compared (${r.full}).`);
    else
      out.push(
        `- ${r.label}: full stack ${r.full} vs bare ${r.bare} → ${ratio(r.ratio)} (target ${r.target}): **${verdict(r.pass)}**` +
          (r.failedRequests ? `, with ${r.failedRequests} failed requests` : '') +
          (r.unfinished
            ? `; ${r.unfinished} requests were still unanswered 15 s after the last was sent`
            : '') +
          '.' +
          (r.overCapacity
            ? ` The full stack's own maximum (wrk median) is ${fmt(r.overCapacity)} req/s, at or below this rate: requests queue` +
              ' and the percentiles measure the backlog, not the service time.'
            : '') +
          (r.serverLoad ? serverLoadSentence(r.serverLoad) : ''),
      );
  }
  if (results.uploadGet) {
    out.push(
      `- Pin get at ${results.settings.image.getRate} req/s while ${results.settings.image.concurrency} uploads run at once: ` +
        `p50 ${ms(results.uploadGet.p50)} ms, p99 ${ms(results.uploadGet.p99)} ms, max ${ms(results.uploadGet.max)} ms ` +
        `(quiet: p99 ${ms(results.uploadGetQuiet.p99)} ms); uploads meanwhile ${fmt(results.uploadUnderGets.perSecond, 2)} pins/s.`,
    );
  }
  const all = [
    ...(results.get ?? []),
    ...(results.page ?? []),
    ...['rateGet', 'ratePage'].flatMap((k) =>
      ['paced', 'autocannon'].flatMap((t) => Object.values(results[k]?.[t] ?? {})),
    ),
    results.imageBare,
    results.imageFull,
    results.uploadGetQuiet,
    results.uploadGet,
  ].filter((x) => x && Number.isFinite(x.otherCpu));
  const worst = Math.max(0, ...all.map((x) => x.otherCpu));
  out.push(
    worst > 0.1
      ? `- **Other processes used up to ${worst.toFixed(2)} cores during a measurement** (column "other CPU"): figures from those rows are skewed.`
      : `- Other processes used at most ${worst.toFixed(2)} cores during any measurement ("other CPU"): the machine was quiet.`,
  );
  return out.join('\n');
}

/** How busy each server was in its median-p99 round, and what that means for the tail. */
function serverLoadSentence(r) {
  const busiest = Math.max(r.bare.serverBusy, r.full.serverBusy);
  return (
    ` Each server used ${r.bare.serverCpuPerRequest.toFixed(3)} (bare) and ${r.full.serverCpuPerRequest.toFixed(3)} (full)` +
    ` ms of CPU per request: ${(r.bare.serverBusy * 100).toFixed(0)}% and ${(r.full.serverBusy * 100).toFixed(0)}% of one core.` +
    (busiest >= 0.8
      ? ' That near its limit, any pause (the machine, the collector, a write) leaves a queue that the little spare' +
        ' capacity takes many times the pause to drain, so this p99 measures pauses more than the stack.'
      : '')
  );
}

function previousNotes(file) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const a = text.indexOf(NOTES_START);
    const b = text.indexOf(NOTES_END);
    if (a >= 0 && b > a) return text.slice(a + NOTES_START.length, b).trim();
  } catch {
    // first run
  }
  return '_No notes yet: add the reading of the numbers here; runs keep this block._';
}

/** Formatted as `npm run format` would, so formatting the repository never rewrites the figures. */
async function formatted(file, text) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...config, filepath: file });
  } catch {
    return text;
  }
}

/**
 * Other hand-written blocks of the file (`<!-- name:start … -->` … `<!-- name:end -->`, e.g. another
 * issue's section), kept verbatim at the end when the file is rewritten.
 */
function otherBlocks(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const blocks = [];
  for (const match of text.matchAll(/<!-- ([\w-]+):start[^>]*-->[\s\S]*?<!-- \1:end -->/g)) {
    if (match[1] !== 'notes') blocks.push(match[0]);
  }
  return blocks;
}

/** How the database file was kept in memory (bench/lib/page-cache.mjs), for "What was measured". */
function pageCacheSentence(pageCache) {
  if (!pageCache) return 'read once before the run (no record of more).';
  const reclaim = pageCache.reclaim
    ? ` The kernel runs proactive reclaim (${pageCache.reclaim}): it drops file pages left idle for about a minute,` +
      ' and a page read back from disk held a server for 30 to 400 ms.'
    : '';
  return pageCache.held
    ? `the database file (${(pageCache.bytes / 1e9).toFixed(2)} GB) is read into memory and locked there (\`vmtouch -l\`) for the whole run, ` +
        `so no round reads it from disk.${reclaim}`
    : `**not locked in memory** (${pageCache.problem}); it was read once before the run.${reclaim}`;
}

/** ", median of rounds 1.92, 1.88, 2.01 images/s" when the run stands for several rounds. */
function roundRates(run, unit) {
  const rates = run.roundsPerSecond;
  return rates?.length > 1 ? `, median of rounds ${rates.map((r) => fmt(r, 2)).join(', ')} ${unit}` : '';
}

export async function writeResults(results, rows, file = path.join(BENCH_DIR, 'RESULTS.md')) {
  const m = results.machine ?? machine();
  const s = results.settings;
  const meta = results.meta;
  const date = results.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const img = results.imageBare;
  const up = results.imageFull;
  const text = `# Corkboard benchmark results

Run ${date}${results.quick ? ' (**quick smoke run**: small data, short rounds, not the reference figures)' : ''};
written by \`npm run bench${results.quick ? ' -- --quick' : ''}\` — do not edit by hand except the notes block.

## Summary

| Measure | Bare | Full stack | Full/bare | Target | Result | Other CPU (max) |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.label} | ${r.bare} | ${r.full} | ${ratio(r.ratio)} | ${r.target} | **${rowVerdict(r)}** | ${cores(r.otherCpu)} |`).join('\n')}

Targets are reported, never enforced: the command fails only if the benchmark cannot run.

## Machine and software

- ${m.cpu}, ${m.memory} RAM, ${m.os}
- Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3}), Fastify ${m.fastify}, sharp ${m.sharp} / libvips ${m.vips}
- Load: ${m.wrk}, autocannon ${m.autocannon}
- Corkboard at commit \`${m.commit}\`${m.dirty ? ' **with uncommitted changes under server/** (other work in progress was built into the measured server)' : ''}${results.buildProblem ? `\n- **The build had type errors**; the server measured is what tsc emitted anyway:\n\n  \`\`\`\n  ${results.buildProblem.replace(/\n/g, '\n  ')}\n  \`\`\`` : ''}

## What was measured

- **Data**: one SQLite file (${(results.dbBytes / 1e9).toFixed(2)} GB) built by \`bench/seed.mjs\` through the project's migrations:
  ${meta.totalPins.toLocaleString('en')} pins on ${meta.boards.toLocaleString('en')} boards of ${meta.users} users; the big board holds ${meta.bigBoardPins.toLocaleString('en')} pins.
  Every pin has a \`media_json\` in the \`StoredPinMedia\` shape (one 4000×3000 original and four sizes). The token belongs
  to the \`bench\` user and carries every scope; requests rotate over ${meta.sampledPinIds.toLocaleString('en')} random pins the token may see (its own boards of every
  privacy and others' public boards), never one hot row.
- **Page cache**: ${pageCacheSentence(results.pageCache)}
- **Full stack**: \`node server/dist/main.js serve\` with \`LOG_LEVEL=warn CORKBOARD_MODE=sandbox SEED_DEMO=false\`: bearer token, scopes,
  rate limit, request log, visibility, presenter, response schema. The rate limit is raised out of reach
  (\`RATE_LIMIT_STANDARD_PER_SECOND\`/\`_PER_MINUTE=100000000\`, counters in memory): every call is counted, none refused.
- **Bare**: \`bench/bare-server.mjs\` — Fastify + better-sqlite3 on the same file opened read-only, no auth: \`select * from pins where id = ?\`,
  and \`… where board_id = ? [and id < ?] order by id desc limit 26\` for a page, rows sent as JSON.
- **Tuning**: the full server writes the responses finished in one event-loop turn together at its end
  (\`server/src/http/response-batching.ts\`, \`BATCH_RESPONSE_WRITES\`), so a waiting client is woken once per turn rather
  than once per response; it is on by default. The bare server, plain Fastify and better-sqlite3, does not do it.
  For comparison the throughput rounds also measure the bare server with it (*bare tuned*:
  \`BATCH_RESPONSE_WRITES=true node bench/bare-server.mjs\`) and the full server without it (*full untuned*:
  \`BATCH_RESPONSE_WRITES=false\`); the targets are judged on *full* against *bare*, as the issue defines them.
- **Server CPU per request** (fixed-rate runs): the server process's user+system time over the run (every thread: the event
  loop, libuv's pool, V8's collector, SQLite's checkpointer) divided by the requests answered, and the share of one core that is.
- **Other CPU**: cores' worth of CPU that processes other than the benchmark's used during each measurement (machine user+system
  time from /proc/stat minus the servers', the load generators' and the runner's own). The machine was ${(results.loadBefore * 100).toFixed(0)}% busy just before the start.
- **Pinning**: both servers run with \`taskset -c ${s.serverCpus ?? 'any'}\`, every load generator (wrk, autocannon, the upload client) with
  \`taskset -c ${s.loadCpus ?? 'any'}\`, so servers never fight the load generator for a core. The bare image pipeline runs on the servers' CPU too.
  Only one server is under load at a time.
- **Throughput**: \`wrk -t${s.wrk.threads} -c${s.wrk.connections} -d${s.wrk.seconds}s\` with \`bench/wrk/random-paths.lua\` (a random path per request: pin ids for
  the get, every page of the big board for the page), after a ${s.wrk.warmupSeconds} s warm-up of each server; ${s.rounds} rounds alternating bare, full, bare tuned, full untuned, bare, full, …;
  the median is reported. Full-stack pages are reached with the server's own bookmarks (collected by walking the board once); the bare
  server gets the equivalent \`before=<last id>\` keyset cursor, and the walk checks both give the same 25 pins.
- **Fixed rate**, ${s.rate.rps} req/s for ${s.rate.seconds} s on up to ${s.rate.connections} connections, ${s.rate.rounds ?? 1} run(s) of each server
  alternating bare, full, bare, full, …; the run with the median p99 stands for each server (every run's p99 is in the table), since one
  30 s run's tail swings with whatever else the machine did meanwhile. Measured two ways:
  - *evenly paced* (\`bench/lib/paced-run.mjs\`): request *i* is sent at *start + i/rate* whatever happened before (open loop) and its
    latency counts from that moment, so time queued behind a stalled server is counted (no coordinated omission);
  - *autocannon* (\`bench/lib/autocannon-run.mjs\`: autocannon's API in its own process, so each request can pick a random path) with
    \`overallRate: ${s.rate.rps}\`. Autocannon enforces the rate per connection per second: each connection sends its quota back to back at
    the top of every second, so the load is ${s.rate.connections}-connection bursts once a second, and its percentiles say how fast a burst drains.
    Its coordinated-omission correction assumes a 1 ms interval whatever the rate, which inflates every percentile, so it is turned off
    (\`ignoreCoordinatedOmission\`): these are raw response times.
- **Image create**: \`POST /v5/pins\` with a ${results.photo.width}×${results.photo.height} photo-like JPEG (${(results.photo.bytes / 1e6).toFixed(2)} MB, base64 in the JSON body,
  made by \`bench/lib/photo.mjs\` with sharp), ${s.image.concurrency} requests at a time, against the media module's pipeline function
  (${img?.pipeline ? `\`${img.pipeline}\`` : 'not found'}) called in its own process without HTTP at the same concurrency, writing its files to disk:
  ${s.rounds} alternating rounds of ${s.image.seconds} s each (bare, full, bare, full, …) after ${s.image.warmupSeconds ?? 0} s of warm-up uploads; the
  round with the median rate stands for each.
  The server puts at most \`IMAGE_CONCURRENCY\` (default 2) images through sharp at once, the rest wait; the bare loop has all
  ${s.image.concurrency} in flight. Both processes run with \`UV_THREADPOOL_SIZE=8\` (the server's own default) on the same CPU.
  Then pin gets at ${s.image.getRate} req/s (evenly paced) for ${s.image.getSeconds ?? s.image.seconds} s, quiet and while the same uploads run.

## Pin get — \`GET /v5/pins/{id}\`, wrk

${results.get ? roundsTable(results.get) : '_Not run._'}

## Board page — \`GET /v5/boards/{id}/pins\` (25 of ${meta.bigBoardPins.toLocaleString('en')}), wrk

${results.page ? roundsTable(results.page) : '_Not run._'}

## Fixed rate — ${s.rate.rps} req/s for ${s.rate.seconds} s, evenly paced and with autocannon

${
  results.rateGet || results.ratePage
    ? rateTable([
        ['pin get', 'evenly paced', results.rateGet?.paced],
        ['pin get', 'autocannon', results.rateGet?.autocannon],
        ['board page', 'evenly paced', results.ratePage?.paced],
        ['board page', 'autocannon', results.ratePage?.autocannon],
      ])
    : '_Not run._'
}

## Image create

| Run | completed | per second | p50 ms | p99 ms | max ms | other CPU | notes |
|---|---|---|---|---|---|---|---|
${img ? `| bare pipeline (${s.image.concurrency} at a time)${roundRates(img, 'images/s')} | ${img.completed} | ${fmt(img.perSecond, 2)} images/s | ${ms(img.p50_ms)} | ${ms(img.p99_ms)} | ${ms(img.max_ms)} | ${cores(img.otherCpu)} | \`${img.pipeline}\` |` : `| bare pipeline | — | — | — | — | — | — | ${results.skipped.imageBare ?? 'not run'} |`}
${up ? `| POST /v5/pins (${s.image.concurrency} at a time)${roundRates(up, 'pins/s')} | ${up.completed} | ${fmt(up.perSecond, 2)} pins/s | ${ms(up.p50_ms)} | ${ms(up.p99_ms)} | ${ms(up.max_ms)} | ${cores(up.otherCpu)} | statuses ${JSON.stringify(up.statuses)}${up.firstFailure ? `; first failure ${up.firstFailure.replace(/\|/g, '/')}` : ''} |` : '| POST /v5/pins | — | — | — | — | — | — | not run |'}
${results.uploadUnderGets ? `| POST /v5/pins while pin gets run | ${results.uploadUnderGets.completed} | ${fmt(results.uploadUnderGets.perSecond, 2)} pins/s | ${ms(results.uploadUnderGets.p50_ms)} | ${ms(results.uploadUnderGets.p99_ms)} | ${ms(results.uploadUnderGets.max_ms)} | ${cores(results.uploadUnderGets.otherCpu)} | |` : ''}

${
  results.uploadGet
    ? rateTable([
        [`pin get, quiet`, `evenly paced ${s.image.getRate} req/s`, { full: results.uploadGetQuiet }],
        [`pin get, while uploads run`, `evenly paced ${s.image.getRate} req/s`, { full: results.uploadGet }],
      ])
    : ''
}

## Reading

${reading(results, rows)}

${NOTES_START}
${previousNotes(file)}
${NOTES_END}

## Reproduce

\`\`\`sh
npm ci
npm run bench              # full run: builds the server, builds or reuses bench/.work/data (1,000,000 pins, ~25 s to seed), ~10 min
npm run bench -- --quick   # smoke run: 100,000 pins, short rounds; writes bench/.work/RESULTS-quick.md
# options: --no-build, --only=get,page,rate,image, --profile (CPU profile of the full server into bench/.work/profiles),
#          --rate=1000, --rounds=3, --upload-concurrency=3, --upload-get-rate=${s.image.getRate}; SERVER_CPUS / LOAD_CPUS override the pinning
\`\`\`

Needs \`wrk\` (Debian package \`wrk\`) and \`taskset\` (util-linux). Raw figures of the last run: \`bench/.work/last-results.json\`.
`;
  const kept = otherBlocks(file);
  const whole = kept.length ? `${text.trimEnd()}\n\n${kept.join('\n\n')}\n` : text;
  fs.writeFileSync(file, await formatted(file, whole.replace(/\n{3,}/g, '\n\n')));
}

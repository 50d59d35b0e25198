// `npm run bench:analytics` — analytics ingestion and reads (issue 4), on SQLite and PostgreSQL.
//
//   npm run bench:analytics                         10,000,000 events over 50,000 pins and 90 days, both databases
//   options: --events=N --pins=N --days=N --db=sqlite,postgres --wrk-seconds=N --read-seconds=N --no-build --help
//   PostgreSQL: --db=postgres; the server at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres),
//   where a database corkboard_bench_analytics is made afresh and dropped at the end.
//
// For each database: a fresh database with one business account and --pins pins; pin get
// throughput alone (wrk); then the simulator writes --events events through the ingest service
// (its rate is the ingestion figure) while wrk measures pin get again; then p95 over 200
// sequential requests of user_account/analytics (90 days, all metrics) and top_pins, each with
// the bare SQL over the same roll-up run 200 times in the same run. Figures go to
// bench/RESULTS.md between <!-- analytics:start --> and <!-- analytics:end --> (other blocks are
// kept). Targets are reported, never enforced.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  BENCH_DIR,
  ROOT_DIR,
  WORK_DIR,
  importDist,
  installCleanup,
  percentile,
  runProcess,
  sleep,
  startProcess,
  stopAll,
  stopProcess,
  waitForHealth,
} from './lib/common.mjs';
import { cpuSnapshot, foreignCores } from './lib/cpu.mjs';
import { runWrk } from './lib/load.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
if (flag('help')) {
  // The header comment above is the help.
  const header = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(
    header
      .slice(
        0,
        header.findIndex((line) => !line.startsWith('//')),
      )
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
const option = (name, fallback) => {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const SETTINGS = {
  events: Number(option('events', 10_000_000)),
  pins: Number(option('pins', 50_000)),
  days: Number(option('days', 90)),
  databases: option('db', 'sqlite,postgres').split(','),
  wrkSeconds: Number(option('wrk-seconds', 10)),
  requests: 200,
  /** A read measure stops after this many seconds even before `requests` (slow reads on big data). */
  readSeconds: Number(option('read-seconds', 60)),
  seed: 1,
};
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DB = 'corkboard_bench_analytics';
const cpuCount = os.availableParallelism();
const SERVER_CPUS = process.env.SERVER_CPUS ?? (cpuCount > 1 ? String(cpuCount - 1) : null);
const LOAD_CPUS = process.env.LOAD_CPUS ?? (cpuCount > 1 ? '0' : null);
const TARGETS = { ingestPerSecond: 50_000, accountP95: 50, topPinsP95: 100 };
const DAY_MS = 86_400_000;

const log = (...a) => console.log(...a);
const fmt = (n, digits = 0) =>
  Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function pgAdmin(statement) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Env of a fresh database for `db`: a new SQLite data dir, or a new PostgreSQL database. */
async function freshDatabase(db) {
  const dataDir = path.join(WORK_DIR, `analytics-${db}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    CORKBOARD_MODE: 'sandbox',
    REDIS_URL: '',
  };
  if (db === 'postgres') {
    await pgAdmin(`drop database if exists ${BENCH_DB} with (force)`);
    await pgAdmin(`create database ${BENCH_DB}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${BENCH_DB}`;
    env.DATABASE_URL = url.toString();
  } else {
    env.DATABASE_URL = '';
  }
  return env;
}

/**
 * One business account, a claimed website, --pins pins (a tenth of them video pins, half
 * linking into the claimed site): one pin made through the pins service, the rest copies of its
 * row with new ids (the same stored media), inserted in bulk.
 */
async function seed(app) {
  const { ctx } = app;
  const user = await ctx.accounts.create({
    username: 'bench_analytics',
    accountType: 'BUSINESS',
    businessName: 'Bench Analytics',
  });
  const viewer = {
    userId: user.id,
    scopes: new Set(['boards:read', 'boards:write', 'pins:read', 'pins:write']),
  };
  const board = await ctx.boards.create(viewer, { name: 'Bench', description: null, privacy: 'PUBLIC' });
  const root = ctx.ids.next();
  const prefix = `pins/${root.slice(-2)}/${root}/0`;
  const image = (size, w, h) => ({ key: `${prefix}/${size}.jpg`, width: w, height: h });
  const first = await ctx.pins.createWithStoredMedia(
    viewer,
    { boardId: board.board.id, boardSectionId: null, title: 'Bench pin', description: null, link: null },
    {
      root,
      type: 'image',
      items: [
        {
          image: {
            original: image('original', 1200, 900),
            sizes: {
              '150x150': image('150x150', 150, 150),
              '400x300': image('400x300', 400, 300),
              '600x': image('600x', 600, 450),
              '1200x': image('1200x', 1200, 900),
            },
            dominantColor: '#336699',
          },
          title: null,
          link: null,
          description: null,
        },
      ],
    },
  );
  const db = ctx.database.db;
  const template = await db
    .selectFrom('pins')
    .selectAll()
    .where('id', '=', first.id)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('websites')
    .values({
      id: ctx.ids.next(),
      user_id: user.id,
      website: 'bench-shop.test',
      website_key: 'bench-shop.test',
      method: 'METATAG',
      verified_at: new Date().toISOString(),
    })
    .execute();
  const imagePins = [first.id];
  for (let i = 1; i < SETTINGS.pins; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(SETTINGS.pins, i + 500); j += 1) {
      const id = ctx.ids.next();
      const video = j % 10 === 0;
      if (!video) imagePins.push(id);
      rows.push({
        ...template,
        id,
        title: `Bench pin ${j}`,
        link: j % 2 ? `https://bench-shop.test/p/${j}` : null,
        creative_type: video ? 'VIDEO' : 'REGULAR',
      });
    }
    await db.insertInto('pins').values(rows).execute();
  }
  const apps = await ctx.apps.builtinCliAppId();
  const { token } = await ctx.tokens.issue({
    userId: user.id,
    appId: apps,
    scopes: ['boards:read', 'pins:read', 'user_accounts:read'],
    ttlSeconds: 86400,
  });
  return { user, token, imagePins };
}

/** p95 (and p50) in ms of `count` sequential calls of `fn`, or as many as fit in the time budget. */
async function timed(count, fn) {
  const times = [];
  const deadline = Date.now() + SETTINGS.readSeconds * 1000;
  for (let i = 0; i < count && (i < 20 || Date.now() < deadline); i += 1) {
    const started = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), n: times.length };
}

async function benchDatabase(db, dist) {
  log(`\n== ${db} ==`);
  const env = await freshDatabase(db);
  const config = dist.loadConfig({ ...process.env, ...env, PORT: '0' });
  const app = await dist.buildApp(config, { logger: false });
  const result = { db, settings: { ...SETTINGS } };
  let server = null;
  try {
    log(`Seeding 1 account and ${fmt(SETTINGS.pins)} pins …`);
    const { user, token, imagePins } = await seed(app);
    const pathsFile = path.join(WORK_DIR, `analytics-${db}-paths.txt`);
    const sample = [];
    for (let i = 0; i < 2000; i += 1) sample.push(`/v5/pins/${imagePins[(i * 7919) % imagePins.length]}`);
    fs.writeFileSync(pathsFile, sample.join('\n') + '\n');

    const port = 18_500 + (db === 'postgres' ? 1 : 0);
    const baseUrl = `http://127.0.0.1:${port}`;
    server = startProcess(
      `analytics-server-${db}`,
      process.execPath,
      [path.join(ROOT_DIR, 'server', 'dist', 'main.js'), 'serve'],
      {
        cpus: SERVER_CPUS,
        env: {
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: baseUrl,
          RATE_LIMIT_STANDARD_PER_SECOND: '100000000',
          RATE_LIMIT_STANDARD_PER_MINUTE: '100000000',
        },
      },
    );
    await waitForHealth(`${baseUrl}/health`, server);
    const headers = { authorization: `Bearer ${token}` };
    const wrk = () =>
      runWrk({
        baseUrl,
        pathsFile,
        headers,
        threads: 2,
        connections: 32,
        seconds: SETTINGS.wrkSeconds,
        cpus: LOAD_CPUS,
      });

    log('Pin get alone (wrk) …');
    await wrk(); // warm-up
    let before = cpuSnapshot([server.pid]);
    result.pinGetAlone = await wrk();
    result.pinGetAlone.otherCpu = foreignCores(before, cpuSnapshot([server.pid]));
    log(`  ${fmt(result.pinGetAlone.rps)} req/s`);

    log(`Simulating ${fmt(SETTINGS.events)} events over ${SETTINGS.days} days …`);
    const simulator = dist.AnalyticsSimulator.for(app.ctx);
    let lastReport = Date.now();
    before = cpuSnapshot([server.pid]);
    const simulation = simulator.run({
      userId: user.id,
      days: SETTINGS.days,
      seed: SETTINGS.seed,
      targetEvents: SETTINGS.events,
      onProgress: (done, total, events) => {
        if (Date.now() - lastReport > 10_000 || done === total) {
          lastReport = Date.now();
          log(`  day ${done}/${total}: ${fmt(events)} events`);
        }
      },
    });
    // Pin get while ingestion runs: started once ingestion is under way.
    const during = sleep(3000).then(async () => {
      const snapshot = cpuSnapshot([server.pid]);
      const measured = await wrk();
      return { ...measured, snapshot };
    });
    const summary = await simulation;
    const afterIngest = cpuSnapshot([server.pid]);
    const duringResult = await during;
    result.ingest = {
      events: summary.events,
      accepted: summary.accepted,
      seconds: summary.seconds,
      perSecond: summary.eventsPerSecond,
      // Other processes' CPU over the whole ingestion (the server's and ours excluded).
      otherCpu: foreignCores(before, afterIngest),
      topTenthShare: summary.topTenthShare,
      saveRate: summary.saveRate,
      weekdayWeekend: summary.weekdayImpressions / summary.weekendImpressions,
    };
    const { snapshot, ...pinGet } = duringResult;
    result.pinGetDuring = { ...pinGet, otherCpu: foreignCores(snapshot, cpuSnapshot([server.pid])) };
    result.pinGetDuring.overlapped = summary.seconds > 3 + SETTINGS.wrkSeconds;
    log(
      `  ${fmt(summary.events)} events in ${summary.seconds.toFixed(1)} s: ${fmt(summary.eventsPerSecond)} events/s; ` +
        `pin get meanwhile ${fmt(result.pinGetDuring.rps)} req/s`,
    );
    const rows = await app.ctx.database.db
      .selectFrom('analytics_account_pin_daily')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    result.rollupRows = Number(rows.n);

    result.reads = await benchReads({ app, dist, baseUrl, headers, userId: user.id });
  } finally {
    await stopProcess(server);
    await app.close();
  }
  return result;
}

/** p95 of the analytics endpoints and of the bare SQL they run, 200 sequential calls each. */
async function benchReads({ app, dist, baseUrl, headers, userId }) {
  if (!dist.bareAccountAnalyticsQuery || !dist.bareTopPinsQuery) return { skipped: 'endpoints missing' };
  const today = Date.now() - (Date.now() % DAY_MS);
  const start = new Date(today - SETTINGS.days * DAY_MS).toISOString().slice(0, 10);
  const end = new Date(today - DAY_MS).toISOString().slice(0, 10);
  const metrics = dist.ACCOUNT_METRIC_TYPES.join(',');
  const account = `${baseUrl}/v5/user_account/analytics?start_date=${start}&end_date=${end}&metric_types=${metrics}`;
  const top = `${baseUrl}/v5/user_account/analytics/top_pins?start_date=${start}&end_date=${end}&sort_by=IMPRESSION`;
  const get = async (url) => {
    const res = await globalThis.fetch(url, { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
    return body;
  };
  log('Reads: 200 sequential requests each, and the bare SQL …');
  for (let i = 0; i < 3; i += 1) await Promise.all([get(account), get(top)]); // warm-up
  const handle = app.ctx.database;
  const reads = {
    range: `${start} to ${end}`,
    account: await timed(SETTINGS.requests, () => get(account)),
    accountBare: await timed(SETTINGS.requests, () =>
      dist.runBareQuery(handle, dist.bareAccountAnalyticsQuery(userId, start, end)),
    ),
    topPins: await timed(SETTINGS.requests, () => get(top)),
    topPinsBare: await timed(SETTINGS.requests, () =>
      dist.runBareQuery(handle, dist.bareTopPinsQuery(userId, start, end, 10)),
    ),
  };
  log(
    `  user_account/analytics p95 ${reads.account.p95.toFixed(1)} ms (bare ${reads.accountBare.p95.toFixed(1)} ms); ` +
      `top_pins p95 ${reads.topPins.p95.toFixed(1)} ms (bare ${reads.topPinsBare.p95.toFixed(1)} ms)`,
  );
  return reads;
}

function resultsBlock(results) {
  const lines = [
    '<!-- analytics:start (written by `npm run bench:analytics`; other blocks are kept) -->',
    '## Analytics (issue 4)',
    '',
    'Written by `npm run bench:analytics`: for each database, a fresh database with one business account and ' +
      `${fmt(SETTINGS.pins)} pins; the simulator (seed ${SETTINGS.seed}, ${SETTINGS.days} days) writes the events through ` +
      "the ingest service in the benchmark's process while the server answers pin gets (wrk). " +
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), shared with other work: ` +
      '"other CPU" is the cores\' worth used by processes not ours meanwhile (see bench/lib/cpu.mjs).',
    '',
    '| Database (run) | Ingestion (events/s) | Target | Other CPU | Pin get alone (req/s) | Pin get during ingestion (req/s) | During/alone | Roll-up rows (pin) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.error) {
      lines.push(`| ${r.db} | failed: ${r.error} | | | | | | |`);
      continue;
    }
    const pass = r.ingest.perSecond >= TARGETS.ingestPerSecond ? 'pass' : 'miss';
    lines.push(
      `| ${r.db} (${r.startedAt.slice(0, 16).replace('T', ' ')} UTC) | ${fmt(r.ingest.perSecond)} (${fmt(r.ingest.events)} in ${r.ingest.seconds.toFixed(0)} s) | ≥ ${fmt(TARGETS.ingestPerSecond)}: **${pass}** | ` +
        `${r.ingest.otherCpu.toFixed(2)} | ${fmt(r.pinGetAlone.rps)} | ${fmt(r.pinGetDuring.rps)}${r.pinGetDuring.overlapped ? '' : ' (ingestion ended first)'} | ` +
        `${(r.pinGetDuring.rps / r.pinGetAlone.rps).toFixed(2)} | ${fmt(r.rollupRows)} |`,
    );
  }
  lines.push(
    '',
    '| Database | Read (200 sequential) | p95 endpoint | p95 bare SQL | Endpoint/bare | p50 endpoint | Target | Result |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    if (r.error) continue;
    if (r.reads.skipped) {
      lines.push(`| ${r.db} | skipped: ${r.reads.skipped} | | | | | | |`);
      continue;
    }
    const row = (name, end, bare, target) =>
      `| ${r.db} | ${name}${end.n < SETTINGS.requests ? ` (${end.n} requests, ${bare.n} bare: time budget)` : ''} | ${end.p95.toFixed(1)} ms | ${bare.p95.toFixed(2)} ms | ${(end.p95 / bare.p95).toFixed(1)} | ${end.p50.toFixed(1)} ms | < ${target} ms | **${end.p95 < target ? 'pass' : 'miss'}** |`;
    lines.push(
      row(
        '`user_account/analytics` 90 days, all metrics',
        r.reads.account,
        r.reads.accountBare,
        TARGETS.accountP95,
      ),
    );
    lines.push(
      row('`top_pins` 90 days, by impressions', r.reads.topPins, r.reads.topPinsBare, TARGETS.topPinsP95),
    );
  }
  const simulated = results.find((r) => r.ingest);
  if (simulated) {
    lines.push(
      '',
      `Simulated traffic (${simulated.db}): top 10 % of pins hold ${(simulated.ingest.topTenthShare * 100).toFixed(0)} % of impressions, ` +
        `save rate ${(simulated.ingest.saveRate * 100).toFixed(2)} %, weekday/weekend impressions ${simulated.ingest.weekdayWeekend.toFixed(2)}.`,
    );
  }
  lines.push('<!-- analytics:end -->');
  return lines.join('\n');
}

/** Formatted as `npm run format` would (as bench/lib/report.mjs does), so the lint's prettier check stays clean. */
async function formatted(file, text) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...config, filepath: file });
  } catch (error) {
    console.error(`prettier could not format ${file}: ${error.message}`);
    return text;
  }
}

async function writeBlock(block) {
  const file = path.join(BENCH_DIR, 'RESULTS.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Corkboard benchmark results\n';
  const existing = /<!-- analytics:start[^>]*-->[\s\S]*?<!-- analytics:end -->/;
  const next = existing.test(text) ? text.replace(existing, () => block) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, await formatted(file, next));
}

async function main() {
  installCleanup();
  const startedAt = new Date().toISOString();
  if (!flag('no-build')) {
    log('Building the server …');
    await runProcess('npm', ['run', 'build', '-w', 'server']);
  }
  const dist = {
    ...(await importDist('app.js')),
    ...(await importDist('config.js')),
    ...(await importDist('modules/analytics/simulator.js')),
    ...(await importDist('modules/analytics/query-repo.js').catch(() => ({}))),
    ...(await importDist('modules/analytics/metric-types.js').catch(() => ({}))),
  };
  // Results are kept per database in bench/.work, so databases can be measured in separate runs.
  const store = path.join(WORK_DIR, 'analytics-results.json');
  const kept = fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, 'utf8')) : {};
  const results = () => Object.values(kept);
  for (const db of SETTINGS.databases) {
    try {
      kept[db] = { ...(await benchDatabase(db, dist)), startedAt };
    } catch (error) {
      console.error(error);
      kept[db] = { db, error: error.message.split('\n')[0], startedAt };
    }
    fs.mkdirSync(WORK_DIR, { recursive: true });
    fs.writeFileSync(store, JSON.stringify(kept, null, 2));
    // Written after each database, so a long run keeps what it measured so far.
    await writeBlock(resultsBlock(results()));
  }
  const block = resultsBlock(results());
  log(`\n${block}\n\nWritten to bench/RESULTS.md.`);
  await stopAll();
  if (SETTINGS.databases.includes('postgres'))
    await pgAdmin(`drop database if exists ${BENCH_DB} with (force)`).catch(() => undefined);
}

await main();

// Builds (or reuses) the benchmark database: users, the built-in app, one access token, boards
// (one big board, the rest filling up to the pin total) and pins with realistic media_json.
// Written straight to SQLite with better-sqlite3 prepared statements in big transactions, after
// the project's own migrations have made the schema.
//
//   node bench/seed.mjs [--quick]     builds bench/.work/data (or data-quick) if needed
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { WORK_DIR, importDist } from './lib/common.mjs';

/** Bump when the seeded rows change shape, so old databases are rebuilt instead of reused. */
export const SEED_VERSION = 3;

export const PROFILES = {
  full: {
    dataDir: path.join(WORK_DIR, 'data'),
    totalPins: 1_000_000,
    bigBoardPins: 100_000,
    users: 500,
    idSample: 100_000,
  },
  quick: {
    dataDir: path.join(WORK_DIR, 'data-quick'),
    totalPins: 100_000,
    bigBoardPins: 20_000,
    users: 100,
    idSample: 20_000,
  },
};

const EPOCH_MS = 1_577_836_800_000n;
/** Worker number the seeded ids carry: servers lease the lowest free ones, so no collision. */
const SEED_WORKER = 1023n;
const SIZES = [
  ['150x150', 150, 150],
  ['400x300', 400, 300],
  ['600x', 600, 450],
  ['1200x', 1200, 900],
];

function snowflake(ms, seq) {
  return (((BigInt(ms) - EPOCH_MS) << 22n) | (SEED_WORKER << 12n) | BigInt(seq)).toString();
}

/** A small deterministic PRNG (mulberry32) so every build of a profile holds the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'autumn garden linen kitchen cozy minimal rustic ocean hiking recipe sourdough ceramic vintage modern ' +
  'botanical watercolor cabin loft bedroom pastel neon street coffee brunch summer winter travel tokyo ' +
  'lisbon mountain lake forest craft knitting wedding bouquet palette sketch studio wardrobe denim ' +
  'sneaker bicycle terrace balcony herb lemon citrus pasta salad chocolate tart gallery poster typography'
).split(' ');

function words(rand, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ');
}

function hexColor(rand) {
  return (
    '#' +
    Math.floor(rand() * 0xffffff)
      .toString(16)
      .padStart(6, '0')
  );
}

/**
 * media_json in the shape of StoredPinMedia (server/src/modules/media/types.ts), with keys laid
 * out as the media service writes them: `pins/<last two digits>/<root>/<item>/<size>.jpg`.
 * No file exists behind them: reads never open media files.
 */
function mediaJson(root, color) {
  const prefix = `pins/${root.slice(-2)}/${root}/0`;
  const file = (name, w, h) => `{"key":"${prefix}/${name}.jpg","width":${w},"height":${h}}`;
  const sizes = SIZES.map(([name, w, h]) => `"${name}":${file(name, w, h)}`).join(',');
  return (
    `{"root":"${root}","type":"image","items":[{"image":{"original":${file('original', 4000, 3000)},` +
    `"sizes":{${sizes}},"dominantColor":"${color}"},"title":null,"link":null}]}`
  );
}

function metaPath(dataDir) {
  return path.join(dataDir, 'bench-meta.json');
}

export function dbPath(dataDir) {
  return path.join(dataDir, 'corkboard.sqlite');
}

/** Reads the metadata of an existing database and checks its counts; null when it must be rebuilt. */
function reusable(profile) {
  const file = metaPath(profile.dataDir);
  if (!fs.existsSync(file) || !fs.existsSync(dbPath(profile.dataDir))) return null;
  const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (
    meta.seedVersion !== SEED_VERSION ||
    meta.totalPins !== profile.totalPins ||
    meta.bigBoardPins !== profile.bigBoardPins
  ) {
    return null;
  }
  const db = new SQLite(dbPath(profile.dataDir));
  db.defaultSafeIntegers(true);
  try {
    const pins = Number(
      db.prepare('select count(*) as n from pins where board_id <> ?').get(meta.uploadBoardId).n,
    );
    const big = db.prepare('select pin_count from boards where id = ?').get(meta.bigBoardId);
    const token = db
      .prepare('select id from access_tokens where token_hash = ? and revoked_at is null')
      .get(meta.tokenHash);
    if (pins !== profile.totalPins || !big || Number(big.pin_count) !== profile.bigBoardPins || !token)
      return null;
    return meta;
  } finally {
    db.close();
  }
}

/**
 * Returns the metadata of a database matching the profile, building it when there is none
 * (or the one there has the wrong counts).
 */
export async function ensureDatabase(profile, { log = console.log } = {}) {
  const existing = reusable(profile);
  if (existing) {
    log(
      `Reusing the benchmark database ${path.relative(process.cwd(), dbPath(profile.dataDir))}: ` +
        `${existing.totalPins.toLocaleString('en')} pins, big board ${existing.bigBoardPins.toLocaleString('en')} pins ` +
        `(seeded ${existing.seededAt}; delete ${path.relative(process.cwd(), profile.dataDir)} to rebuild).`,
    );
    return existing;
  }
  fs.rmSync(profile.dataDir, { recursive: true, force: true });
  fs.mkdirSync(profile.dataDir, { recursive: true });
  log(`Building the benchmark database in ${path.relative(process.cwd(), profile.dataDir)} …`);
  const started = Date.now();

  // The schema comes from the project's own migrations.
  const { openDatabase } = await importDist('db/index.js');
  const { migrateToLatest } = await importDist('db/migrate.js');
  const { ALL_SCOPES } = await importDist('modules/tokens/scopes.js');
  // Each pin's media view as the server writes it (pins.media_view, modules/pins/media-view.ts).
  const { mediaViewOf } = await importDist('modules/pins/media-view.js');
  const handle = openDatabase({ databaseUrl: null, sqlitePath: dbPath(profile.dataDir) });
  await migrateToLatest(handle.db, handle.dialect);
  await handle.close();

  const db = new SQLite(dbPath(profile.dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const meta = seedRows(db, profile, ALL_SCOPES, mediaViewOf);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  meta.seededAt = new Date().toISOString();
  meta.seedSeconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(metaPath(profile.dataDir), JSON.stringify(meta, null, 2));
  log(
    `Seeded in ${meta.seedSeconds} s (${(fs.statSync(dbPath(profile.dataDir)).size / 1e9).toFixed(2)} GB).`,
  );
  return meta;
}

function seedRows(db, profile, allScopes, mediaViewOf) {
  const rand = rng(20260101);
  const now = Date.now();
  const day = 86_400_000;
  const usersStart = now - 3 * 365 * day;
  const pinsStart = now - 2 * 365 * day;
  const pinsEnd = now - day;
  let idMs = usersStart;
  const nextId = () => snowflake(idMs++, 0); // users, boards, app, token: one id per millisecond
  const iso = (ms) => new Date(ms).toISOString();

  // Users: user 0 is the one whose token drives every request.
  const users = [];
  const insertUser = db.prepare(
    `insert into users (id, username, username_key, email, email_key, password_hash, account_type, business_name,
       about, website_url, profile_image_url, is_admin, created_at)
     values (?, ?, ?, ?, ?, null, ?, ?, ?, ?, '', 0, ?)`,
  );
  const insertApp = db.prepare(
    `insert into apps (id, owner_id, name, description, tier, status, is_builtin, created_at)
     values (?, null, 'Corkboard CLI', 'Tokens made with corkboard token create and the demo seed.', 'STANDARD', 'APPROVED', 1, ?)`,
  );
  const insertToken = db.prepare(
    `insert into access_tokens (id, token_hash, kind, user_id, app_id, scopes, created_at, expires_at, revoked_at, last_used_at)
     values (?, ?, 'access', ?, ?, ?, ?, ?, null, null)`,
  );
  const insertBoard = db.prepare(
    `insert into boards (id, owner_id, name, name_key, description, privacy, is_ads_only, created_app_id, created_at,
       pins_modified_at, pin_count, follower_count, collaborator_count)
     values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, 0)`,
  );

  const token = 'pina_' + randomBytes(32).toString('base64url');
  const tokenHash = createHash('sha256').update(token, 'utf8').digest('hex');
  let appId;
  const boards = []; // { id, ownerIndex, privacy, pins: 0 }
  let bigBoard;
  let uploadBoard;

  db.transaction(() => {
    for (let i = 0; i < profile.users; i++) {
      const id = nextId();
      const username = i === 0 ? 'bench' : `pinner_${i}`;
      const business = i % 10 === 0;
      insertUser.run(
        id,
        username,
        username,
        `${username}@example.com`,
        `${username}@example.com`,
        business ? 'BUSINESS' : 'PINNER',
        business ? `Studio ${i}` : null,
        words(rand, 8),
        `https://example.com/${username}`,
        iso(idMs),
      );
      users.push(id);
    }
    appId = nextId();
    insertApp.run(appId, iso(idMs));
    insertToken.run(
      nextId(),
      tokenHash,
      users[0],
      appId,
      allScopes.join(','),
      iso(idMs),
      '2099-12-31T00:00:00.000Z',
    );

    const addBoard = (ownerIndex, name, privacy) => {
      const board = { id: nextId(), ownerIndex, name, privacy, pins: 0 };
      insertBoard.run(
        board.id,
        users[ownerIndex],
        name,
        name.toLowerCase(),
        words(rand, 12),
        privacy,
        appId,
        iso(idMs),
        iso(pinsEnd),
        Math.floor(rand() * 500),
      );
      boards.push(board);
      return board;
    };
    bigBoard = addBoard(0, 'Everything I love', 'PUBLIC');
    uploadBoard = addBoard(0, 'Bench uploads', 'PUBLIC');
    // The bench user's other boards: every privacy (the token has the read_secret scopes).
    for (let i = 0; i < 20; i++)
      addBoard(0, `My board ${i}`, ['PUBLIC', 'PUBLIC', 'SECRET', 'PROTECTED'][i % 4]);
    // Everybody else's, ~500 pins each: mostly public, some secret or ads-only (not visible to the bench user).
    const others = Math.ceil((profile.totalPins - profile.bigBoardPins) / 500);
    for (let i = 0; i < others; i++) {
      const r = rand();
      addBoard(
        1 + (i % (profile.users - 1)),
        `Board ${i} ${words(rand, 2)}`,
        r < 0.85 ? 'PUBLIC' : r < 0.95 ? 'SECRET' : 'PROTECTED',
      );
    }
  })();

  const smallBoards = boards.filter((b) => b !== bigBoard && b !== uploadBoard);
  const insertPin = db.prepare(
    `insert into pins (id, owner_id, board_id, board_section_id, parent_pin_id, title, description, link, alt_text,
       dominant_color, creative_type, is_standard, has_been_promoted, media_json, media_view, media_root, created_app_id,
       created_at)
     values (?, ?, ?, null, null, ?, ?, ?, ?, ?, 'REGULAR', 1, 0, ?, ?, ?, ?, ?)`,
  );

  const total = profile.totalPins;
  const visibleShare = 0.9;
  const sampleP = Math.min(1, profile.idSample / (total * visibleShare));
  const sample = [];
  const bigIds = [];
  const bar = new cliProgress.SingleBar(
    {
      format: 'Seeding pins [{bar}] {percentage}% | {value}/{total} | {rate} pins/s | ETA {eta}s',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 3000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { rate: 0 });
  const started = Date.now();
  const step = (pinsEnd - pinsStart) / total;
  const batch = 50_000;
  for (let from = 0; from < total; from += batch) {
    db.transaction(() => {
      for (let i = from; i < Math.min(total, from + batch); i++) {
        // Spread the big board's pins evenly through time, like a board saved to for years.
        const onBig =
          Math.floor(((i + 1) * profile.bigBoardPins) / total) >
          Math.floor((i * profile.bigBoardPins) / total);
        const board = onBig ? bigBoard : smallBoards[Math.floor(rand() * smallBoards.length)];
        board.pins++;
        const ms = Math.floor(pinsStart + i * step);
        const id = snowflake(ms, i & 0xfff);
        const color = hexColor(rand);
        const media = mediaJson(id, color);
        insertPin.run(
          id,
          users[board.ownerIndex],
          board.id,
          words(rand, 3 + Math.floor(rand() * 5)),
          words(rand, 15 + Math.floor(rand() * 30)),
          `https://example.com/articles/${i}`,
          words(rand, 6),
          color,
          media,
          mediaViewOf(JSON.parse(media)),
          id,
          appId,
          new Date(ms).toISOString(),
        );
        if (onBig) bigIds.push(id);
        const visible = board.ownerIndex === 0 || board.privacy === 'PUBLIC';
        if (visible && rand() < sampleP) sample.push(id);
      }
    })();
    const done = Math.min(total, from + batch);
    bar.update(done, { rate: Math.round(done / ((Date.now() - started) / 1000 || 1)) });
  }
  bar.stop();

  const setCount = db.prepare('update boards set pin_count = ? where id = ?');
  db.transaction(() => {
    for (const b of boards) if (b.pins > 0) setCount.run(b.pins, b.id);
  })();

  // Shuffle the sampled ids so requests rotate over the whole table in no particular order.
  for (let i = sample.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [sample[i], sample[j]] = [sample[j], sample[i]];
  }
  fs.writeFileSync(path.join(profile.dataDir, 'pin-ids.txt'), sample.join('\n') + '\n');
  // Newest first, as a board's pins are listed: the cursor of page k is the last id of page k-1.
  bigIds.reverse();
  fs.writeFileSync(path.join(profile.dataDir, 'big-board-ids.txt'), bigIds.join('\n') + '\n');

  return {
    seedVersion: SEED_VERSION,
    totalPins: total,
    bigBoardPins: profile.bigBoardPins,
    users: profile.users,
    boards: boards.length,
    userId: users[0],
    username: 'bench',
    appId,
    token,
    tokenHash,
    bigBoardId: bigBoard.id,
    uploadBoardId: uploadBoard.id,
    sampledPinIds: sample.length,
  };
}

/** Removes what a previous run's uploads left: their pins and every stored media file. */
export function cleanUploads(profile, meta) {
  const db = new SQLite(dbPath(profile.dataDir));
  db.defaultSafeIntegers(true);
  const removed = db.prepare('delete from pins where board_id = ?').run(meta.uploadBoardId).changes;
  db.prepare('update boards set pin_count = 0 where id = ?').run(meta.uploadBoardId);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Seeded pins reference no real files, so everything under media/ came from uploads.
  fs.rmSync(path.join(profile.dataDir, 'media'), { recursive: true, force: true });
  return removed;
}

/** Reads the database file once so the first round does not pay for a cold page cache. */
export function prewarm(profile) {
  const fd = fs.openSync(dbPath(profile.dataDir), 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
  fs.closeSync(fd);
}

export function readLines(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const profile = process.argv.includes('--quick') ? PROFILES.quick : PROFILES.full;
  await ensureDatabase(profile);
}

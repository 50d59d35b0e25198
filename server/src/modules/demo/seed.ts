import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import cliProgress from 'cli-progress';
import type { Config } from '../../config.js';
import type { App } from '../../http/types.js';
import type { Scope } from '../tokens/scopes.js';
import { ALL_SCOPES } from '../tokens/scopes.js';
import { AnalyticsSimulator } from '../analytics/simulator.js';
import { demoImage } from './images.js';

const DEMO_ANALYTICS_DAYS = 90;
/** Small enough that seeding stays a matter of seconds (about 40,000 events). */
const DEMO_DAILY_IMPRESSIONS = 400;

export interface DemoInfo {
  token: string;
  passwords: Record<string, string>;
  created: boolean;
}

interface DemoBoard {
  owner: 'demo' | 'alice';
  name: string;
  description: string;
  privacy: 'PUBLIC' | 'SECRET';
  hue: number;
  sections?: string[];
  pins: number;
}

const BOARDS: DemoBoard[] = [
  {
    owner: 'demo',
    name: 'Autumn palettes',
    description: 'Warm colours for the season',
    privacy: 'PUBLIC',
    hue: 25,
    pins: 10,
  },
  {
    owner: 'demo',
    name: 'Ocean blues',
    description: 'Sea, sky and everything in between',
    privacy: 'PUBLIC',
    hue: 205,
    pins: 10,
  },
  {
    owner: 'demo',
    name: 'Kitchen ideas',
    description: 'Recipes and rooms, by meal',
    privacy: 'PUBLIC',
    hue: 95,
    sections: ['Breakfast', 'Dinner'],
    pins: 12,
  },
  {
    owner: 'demo',
    name: 'Launch plans',
    description: 'Not ready to share yet',
    privacy: 'SECRET',
    hue: 285,
    pins: 6,
  },
  {
    owner: 'alice',
    name: 'Garden',
    description: 'Things to plant next spring',
    privacy: 'PUBLIC',
    hue: 120,
    pins: 12,
  },
  { owner: 'alice', name: 'Travel', description: 'Places to go', privacy: 'PUBLIC', hue: 185, pins: 10 },
];

const TITLES = [
  'Golden hour',
  'Quiet morning',
  'Soft waves',
  'Layered hills',
  'Bright idea',
  'Colour study',
  'Weekend plan',
  'Moodboard',
  'Simple shapes',
  'Evening light',
];

function secretFile(config: Config, name: string): string {
  return path.join(config.dataDir, name);
}

function writeOwnerOnly(file: string, contents: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, contents, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/**
 * First start in sandbox mode: a business account `demo` (an admin) and a personal account
 * `alice`, several boards (one secret, one with sections) and about 60 pins with images drawn
 * locally, all created through the public API so the demo exercises the real code paths; then
 * 90 days of simulated analytics for `demo` (modules/analytics/simulator.ts).
 * Later starts read the saved credentials and token back for the banner.
 */
export async function seedDemoIfEmpty(app: App): Promise<DemoInfo> {
  const { ctx } = app;
  const credentialsFile = secretFile(ctx.config, 'demo-credentials.json');
  const tokenFile = secretFile(ctx.config, 'demo-token');
  const existing = await ctx.accounts.getByUsername('demo');
  if (existing) {
    const passwords = fs.existsSync(credentialsFile)
      ? (JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as Record<string, string>)
      : {};
    const token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : '';
    return { token, passwords, created: false };
  }

  const passwords = {
    demo: randomBytes(9).toString('base64url'),
    alice: randomBytes(9).toString('base64url'),
  };
  const demo = await ctx.accounts.create({
    username: 'demo',
    email: 'demo@corkboard.local',
    passwordHash: await hash(passwords.demo),
    accountType: 'BUSINESS',
    businessName: 'Corkboard Demo Studio',
    about: 'The demo business account of this Corkboard sandbox.',
    websiteUrl: 'https://demo.corkboard.local',
    isAdmin: true,
  });
  const alice = await ctx.accounts.create({
    username: 'alice',
    email: 'alice@corkboard.local',
    passwordHash: await hash(passwords.alice),
    about: 'Collects colours and gardens.',
  });
  const appId = await ctx.apps.builtinCliAppId();
  const everyScope = [...ALL_SCOPES] as Scope[];
  const demoToken = await ctx.tokens.issue({
    userId: demo.id,
    appId,
    scopes: everyScope,
    ttlSeconds: 365 * 86400,
  });
  const aliceToken = await ctx.tokens.issue({
    userId: alice.id,
    appId,
    scopes: everyScope,
    ttlSeconds: 3600,
  });
  const tokens = { demo: demoToken.token, alice: aliceToken.token };

  const call = async (owner: 'demo' | 'alice', method: 'POST', url: string, payload: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[owner]}` },
      payload: payload as object,
    });
    if (res.statusCode >= 300)
      throw new Error(`demo seed: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as { id: string };
  };

  const total = BOARDS.reduce((n, b) => n + b.pins, 0);
  const bar = new cliProgress.SingleBar(
    { format: 'Seeding the demo |{bar}| {value}/{total} pins', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let seed = 1;
  try {
    for (const board of BOARDS) {
      const created = await call(board.owner, 'POST', '/v5/boards', {
        name: board.name,
        description: board.description,
        privacy: board.privacy,
      });
      const sectionIds: string[] = [];
      for (const name of board.sections ?? []) {
        sectionIds.push((await call(board.owner, 'POST', `/v5/boards/${created.id}/sections`, { name })).id);
      }
      for (let i = 0; i < board.pins; i++) {
        const image = await demoImage(seed, board.hue);
        const title = `${TITLES[seed % TITLES.length]} #${seed}`;
        await call(board.owner, 'POST', '/v5/pins', {
          board_id: created.id,
          board_section_id: sectionIds.length ? sectionIds[i % sectionIds.length] : undefined,
          title,
          description: `${board.description}. #${board.name.split(' ')[0]!.toLowerCase()} #corkboard`,
          link: `https://example.com/${board.owner}/${seed}`,
          alt_text: `Abstract ${board.name.toLowerCase()} picture`,
          media_source: {
            source_type: 'image_base64',
            content_type: 'image/jpeg',
            data: image.toString('base64'),
          },
        });
        seed++;
        bar.increment();
      }
    }
  } finally {
    bar.stop();
  }
  await ctx.tokens.revoke(aliceToken.id);
  // 90 days of believable analytics for the demo business account, so its dashboards are full at once.
  await AnalyticsSimulator.for(ctx).run({
    userId: demo.id,
    days: DEMO_ANALYTICS_DAYS,
    seed: 1,
    dailyImpressions: DEMO_DAILY_IMPRESSIONS,
  });

  writeOwnerOnly(credentialsFile, JSON.stringify(passwords, null, 2) + '\n');
  writeOwnerOnly(tokenFile, demoToken.token + '\n');
  return { token: demoToken.token, passwords, created: true };
}

export function printBanner(config: Config, demo: DemoInfo | null): void {
  const lines = [
    '',
    `  Corkboard is running at ${config.publicUrl}  (${config.mode} mode, ${config.databaseUrl ? 'PostgreSQL' : 'SQLite in ' + config.dataDir})`,
    `  Pinterest API v5:  ${config.publicUrl}/v5   e.g. curl -H "Authorization: Bearer $TOKEN" ${config.publicUrl}/v5/boards`,
  ];
  if (demo) {
    lines.push(
      demo.created
        ? '  Demo seeded: accounts, boards and pins created.'
        : '  Demo data from an earlier start.',
      ...Object.entries(demo.passwords).map(
        ([user, password]) => `  Sign in as ${user.padEnd(6)} password ${password}`,
      ),
      demo.token
        ? `  Demo token (user demo, every scope; also in ${path.join(config.dataDir, 'demo-token')}):\n    ${demo.token}`
        : '  No demo token on disk: create one with `npx corkboard token create --user demo`.',
    );
  }
  lines.push('');
  console.log(lines.join('\n'));
}

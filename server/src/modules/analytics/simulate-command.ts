import cliProgress from 'cli-progress';
import { buildApp } from '../../app.js';
import type { Config } from '../../config.js';
import { AnalyticsSimulator, type SimulationSummary } from './simulator.js';

const MAX_DAYS = 365;

/** `corkboard analytics simulate`: checks the options, runs the simulator with a progress bar, prints a summary. */
export async function runSimulateCommand(
  config: Config,
  options: { user: string; days: string; seed: string; dailyImpressions?: string; today?: string },
): Promise<number> {
  const days = Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    console.error(`--days must be a whole number from 1 to ${MAX_DAYS} (got "${options.days}").`);
    return 1;
  }
  const seed = Number(options.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    console.error(`--seed must be a whole number from 0 to 4294967295 (got "${options.seed}").`);
    return 1;
  }
  let dailyImpressions: number | undefined;
  if (options.dailyImpressions !== undefined) {
    dailyImpressions = Number(options.dailyImpressions);
    if (!Number.isFinite(dailyImpressions) || dailyImpressions <= 0 || dailyImpressions > 10_000_000) {
      console.error(`--daily-impressions must be a positive number (got "${options.dailyImpressions}").`);
      return 1;
    }
  }
  let today: Date | undefined;
  if (options.today !== undefined) {
    today = /^\d{4}-\d{2}-\d{2}$/.test(options.today) ? new Date(`${options.today}T00:00:00Z`) : undefined;
    if (!today || Number.isNaN(today.getTime())) {
      console.error(`--today must be a date as YYYY-MM-DD (got "${options.today}").`);
      return 1;
    }
  }

  const app = await buildApp(config, { logger: false });
  try {
    const user = await app.ctx.accounts.getByUsername(options.user);
    if (!user) {
      console.error(`No user named "${options.user}". Check the spelling, or sign up first.`);
      return 1;
    }
    const bar = new cliProgress.SingleBar(
      { format: 'Simulating |{bar}| {value}/{total} days | {events} events', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(days, 0, { events: 0 });
    let summary: SimulationSummary;
    try {
      summary = await AnalyticsSimulator.for(app.ctx).run({
        userId: user.id,
        days,
        seed,
        today,
        dailyImpressions,
        onProgress: (done, _total, events) => bar.update(done, { events }),
      });
    } finally {
      bar.stop();
    }
    if (summary.pins === 0)
      console.log(`${user.username} has no pins: only profile visits and follows were simulated.`);
    console.log(formatSummary(user.username, summary));
    return 0;
  } finally {
    await app.close();
  }
}

export function formatSummary(username: string, s: SimulationSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return [
    `Simulated ${s.days} days (${s.firstDay} to ${s.lastDay}, seed ${s.seed}) for ${username}: ${s.pins} pins (${s.videoPins} video).`,
    `  events            ${n(s.events)} (${n(s.eventsPerSecond)} events/s, ${s.seconds.toFixed(1)} s)`,
    `  impressions       ${n(s.totals.IMPRESSION)}  (weekday mean ${n(s.weekdayImpressions)}, weekend mean ${n(s.weekendImpressions)})`,
    `  pin clicks        ${n(s.totals.PIN_CLICK)}  (${pct(s.pinClickRate)} of impressions)`,
    `  saves             ${n(s.totals.SAVE)}  (${pct(s.saveRate)} of impressions)`,
    `  outbound clicks   ${n(s.totals.OUTBOUND_CLICK)}`,
    `  profile visits    ${n(s.totals.PROFILE_VISIT)}, follows ${n(s.totals.USER_FOLLOW)}`,
    `  video starts      ${n(s.totals.VIDEO_START)}, watch time ${(s.watchTimeMs / 3_600_000).toFixed(1)} h`,
    `  top 10 % of pins  ${pct(s.topTenthShare)} of impressions`,
  ].join('\n');
}

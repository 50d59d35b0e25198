/**
 * What one view of a video pin reports to the analytics beacon, decided from the player's
 * events alone (no DOM here, so it is tested as plain code):
 * - VIDEO_START when playback first moves;
 * - VIDEO_10S_VIEW after 10 seconds of real playback (summed, seeks excluded);
 * - VIDEO_MRC_VIEW after 2 continuous seconds of playback with at least half the player on
 *   screen (a pause, a seek or scrolling it out of view starts the 2 seconds again);
 * - VIDEO_Q95_VIEW when playback (not a seek) crosses 95% of the video;
 * - VIDEO_WATCH_TIME and VIDEO_V50_WATCH_TIME: milliseconds of real playback (and of playback
 *   at least half on screen), handed out as increments whenever they are drained, so that
 *   summing every report gives the total.
 * Each of the first four is reported at most once per view (one tracker per page view).
 */
export type VideoEventType =
  | 'VIDEO_START'
  | 'VIDEO_10S_VIEW'
  | 'VIDEO_MRC_VIEW'
  | 'VIDEO_Q95_VIEW'
  | 'VIDEO_WATCH_TIME'
  | 'VIDEO_V50_WATCH_TIME';

export interface VideoProgressEvent {
  type: VideoEventType;
  /** Milliseconds, for the watch-time types only. */
  value?: number;
}

export const TEN_SECONDS_MS = 10_000;
export const MRC_CONTINUOUS_MS = 2_000;
export const MRC_VISIBLE_FRACTION = 0.5;
export const QUARTILE_95 = 0.95;
/** The beacon takes at most an hour of watch time in one event. */
const MAX_WATCH_REPORT_MS = 3_600_000;
/**
 * Between two time updates the position may move by the wall-clock time elapsed times the
 * playback rate, plus this slack; a larger jump is a seek the player did not announce.
 */
const JUMP_SLACK_MS = 1_000;

export class VideoProgressTracker {
  private readonly reported = new Set<VideoEventType>();
  private readonly pending: VideoProgressEvent[] = [];
  /** Position and wall-clock time of the last sample of continuous playback, or null. */
  private last: { positionMs: number; nowMs: number } | null = null;
  private playing = false;
  private visibleFraction = 0;
  private watchedMs = 0;
  private continuousVisibleMs = 0;
  private unreportedWatchMs = 0;
  private unreportedVisibleWatchMs = 0;

  constructor(private durationMs: number) {}

  /** The duration became known (or changed, e.g. from loadedmetadata). */
  setDuration(durationMs: number): void {
    if (Number.isFinite(durationMs) && durationMs > 0) this.durationMs = durationMs;
  }

  /** Playback started or resumed at this position (the `playing` event). */
  play(positionMs: number, nowMs: number): void {
    this.playing = true;
    this.last = { positionMs, nowMs };
    this.once('VIDEO_START');
  }

  /**
   * Playback stopped: pause, end, or waiting for data. The next `playing` resumes counting.
   * `at` is where it stopped: the playback up to there counts (the player may send no time
   * update between its last one and the end).
   */
  stopped(at?: { positionMs: number; nowMs: number; playbackRate?: number }): void {
    if (at) this.timeUpdate(at.positionMs, at.nowMs, at.playbackRate);
    this.playing = false;
    this.last = null;
    this.continuousVisibleMs = 0;
  }

  /** A seek started: the position jump that follows is not playback. */
  seeking(): void {
    this.last = null;
    this.continuousVisibleMs = 0;
  }

  /** A seek ended at this position; playback continues from here if it is playing. */
  seeked(positionMs: number, nowMs: number): void {
    this.last = this.playing ? { positionMs, nowMs } : null;
  }

  /** How much of the player is on screen, 0 to 1 (from an IntersectionObserver). */
  visibility(fraction: number): void {
    const wasVisible = this.visibleFraction >= MRC_VISIBLE_FRACTION;
    this.visibleFraction = fraction;
    if (wasVisible && fraction < MRC_VISIBLE_FRACTION) this.continuousVisibleMs = 0;
  }

  /** A position sample during playback (the `timeupdate` event). */
  timeUpdate(positionMs: number, nowMs: number, playbackRate = 1): void {
    if (!this.playing) return;
    const last = this.last;
    this.last = { positionMs, nowMs };
    if (!last) return;
    const moved = positionMs - last.positionMs;
    const allowed = Math.max(0, nowMs - last.nowMs) * Math.max(playbackRate, 0) + JUMP_SLACK_MS;
    if (moved <= 0 || moved > allowed) {
      // Backwards (a loop or a seek) or too far (an unannounced seek): not playback.
      this.continuousVisibleMs = 0;
      return;
    }
    this.watchedMs += moved;
    this.unreportedWatchMs += moved;
    if (this.visibleFraction >= MRC_VISIBLE_FRACTION) {
      this.continuousVisibleMs += moved;
      this.unreportedVisibleWatchMs += moved;
      if (this.continuousVisibleMs >= MRC_CONTINUOUS_MS) this.once('VIDEO_MRC_VIEW');
    } else {
      this.continuousVisibleMs = 0;
    }
    if (this.watchedMs >= TEN_SECONDS_MS) this.once('VIDEO_10S_VIEW');
    // Playback crossed the 95% mark (a seek past it and playing on from there does not).
    const mark = this.durationMs * QUARTILE_95;
    if (this.durationMs > 0 && last.positionMs < mark && positionMs >= mark) this.once('VIDEO_Q95_VIEW');
  }

  /** Total real playback of this view so far, in milliseconds. */
  get watched(): number {
    return this.watchedMs;
  }

  /**
   * The events decided since the last drain. With `withWatchTime`, also the watch time
   * played since the last report (whole milliseconds; the fraction waits for the next one).
   */
  drain(withWatchTime: boolean): VideoProgressEvent[] {
    const events = this.pending.splice(0);
    if (withWatchTime) {
      const watch = this.takeWhole('unreportedWatchMs');
      if (watch > 0) events.push({ type: 'VIDEO_WATCH_TIME', value: watch });
      const visible = this.takeWhole('unreportedVisibleWatchMs');
      if (visible > 0) events.push({ type: 'VIDEO_V50_WATCH_TIME', value: visible });
    }
    return events;
  }

  private takeWhole(field: 'unreportedWatchMs' | 'unreportedVisibleWatchMs'): number {
    const whole = Math.min(Math.floor(this[field]), MAX_WATCH_REPORT_MS);
    this[field] -= whole;
    return whole;
  }

  private once(type: VideoEventType): void {
    if (this.reported.has(type)) return;
    this.reported.add(type);
    this.pending.push({ type });
  }
}

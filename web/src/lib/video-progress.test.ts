import { describe, expect, it } from 'vitest';
import { VideoProgressTracker, type VideoProgressEvent } from './video-progress';

/** Plays from `fromMs` to `toMs` in 250 ms time updates at the given rate, wall clock advancing. */
function play(
  tracker: VideoProgressTracker,
  clock: { now: number },
  fromMs: number,
  toMs: number,
  rate = 1,
): void {
  tracker.play(fromMs, clock.now);
  for (let position = fromMs + 250 * rate; position <= toMs; position += 250 * rate) {
    clock.now += 250;
    tracker.timeUpdate(position, clock.now, rate);
  }
}

const types = (events: VideoProgressEvent[]) => events.map((e) => e.type);
const watchOf = (events: VideoProgressEvent[], type = 'VIDEO_WATCH_TIME') =>
  events.filter((e) => e.type === type).reduce((sum, e) => sum + (e.value ?? 0), 0);

describe('video progress of one view', () => {
  it('reports the start once, when playback begins', () => {
    const tracker = new VideoProgressTracker(30_000);
    const clock = { now: 0 };
    expect(tracker.drain(true)).toEqual([]);
    play(tracker, clock, 0, 1_000);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_START']);
    tracker.stopped();
    play(tracker, clock, 1_000, 2_000);
    expect(types(tracker.drain(false))).toEqual([]);
  });

  it('reports a 10-second view after 10 s of playback summed over pauses, once', () => {
    const tracker = new VideoProgressTracker(60_000);
    const clock = { now: 0 };
    play(tracker, clock, 0, 6_000);
    tracker.stopped();
    clock.now += 30_000; // paused for half a minute: not watching
    expect(types(tracker.drain(false))).not.toContain('VIDEO_10S_VIEW');
    play(tracker, clock, 6_000, 9_750);
    expect(types(tracker.drain(false))).not.toContain('VIDEO_10S_VIEW');
    clock.now += 250;
    tracker.timeUpdate(10_000, clock.now);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_10S_VIEW']);
    play(tracker, clock, 10_000, 30_000);
    expect(types(tracker.drain(false))).toEqual([]);
  });

  it('does not count a seek as watching: no 10-second view or 95% from jumping ahead', () => {
    const tracker = new VideoProgressTracker(20_000);
    const clock = { now: 0 };
    play(tracker, clock, 0, 2_000);
    tracker.seeking();
    tracker.seeked(19_500, clock.now);
    clock.now += 250;
    tracker.timeUpdate(19_750, clock.now);
    const events = tracker.drain(true);
    expect(types(events)).toEqual(['VIDEO_START', 'VIDEO_WATCH_TIME']);
    expect(watchOf(events)).toBe(2_250);
    expect(tracker.watched).toBe(2_250);
  });

  it('treats a jump larger than the elapsed time as a seek even without seeking events', () => {
    const tracker = new VideoProgressTracker(60_000);
    const clock = { now: 0 };
    play(tracker, clock, 0, 1_000);
    clock.now += 250;
    tracker.timeUpdate(40_000, clock.now);
    clock.now += 250;
    tracker.timeUpdate(40_250, clock.now);
    expect(tracker.watched).toBe(1_250);
    // Going back (a loop) is not playback either.
    clock.now += 250;
    tracker.timeUpdate(0, clock.now);
    expect(tracker.watched).toBe(1_250);
  });

  it('counts fast playback by the video time played', () => {
    const tracker = new VideoProgressTracker(12_000);
    const clock = { now: 0 };
    play(tracker, clock, 0, 12_000, 4);
    const events = tracker.drain(true);
    expect(types(events)).toEqual(['VIDEO_START', 'VIDEO_10S_VIEW', 'VIDEO_Q95_VIEW', 'VIDEO_WATCH_TIME']);
    expect(watchOf(events)).toBe(12_000);
    expect(clock.now).toBe(3_000);
  });

  it('reports the 95% quartile when playback reaches it, once, even on a replay', () => {
    const tracker = new VideoProgressTracker(10_000);
    const clock = { now: 0 };
    play(tracker, clock, 0, 9_250);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_START']);
    clock.now += 250;
    tracker.timeUpdate(9_500, clock.now);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_Q95_VIEW']);
    tracker.stopped();
    tracker.seeking();
    tracker.seeked(0, clock.now);
    play(tracker, clock, 0, 10_000);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_10S_VIEW']);
  });

  it('reaches the 95% quartile from a seek followed by real playback', () => {
    const tracker = new VideoProgressTracker(100_000);
    const clock = { now: 0 };
    play(tracker, clock, 0, 500);
    tracker.seeking();
    tracker.seeked(94_000, clock.now);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_START']);
    play(tracker, clock, 94_000, 95_000);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_Q95_VIEW']);
  });

  it('reports an MRC view after 2 continuous seconds at least half visible, once', () => {
    const tracker = new VideoProgressTracker(60_000);
    const clock = { now: 0 };
    tracker.visibility(0.4);
    play(tracker, clock, 0, 5_000);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_START']);
    tracker.visibility(0.5);
    play(tracker, clock, 5_000, 6_750);
    expect(types(tracker.drain(false))).toEqual([]);
    clock.now += 250;
    tracker.timeUpdate(7_000, clock.now);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_MRC_VIEW']);
    play(tracker, clock, 7_000, 20_000);
    expect(types(tracker.drain(false))).toEqual(['VIDEO_10S_VIEW']);
  });

  it('starts the 2 MRC seconds again after a pause, a seek or scrolling away', () => {
    const clock = { now: 0 };
    const paused = new VideoProgressTracker(60_000);
    paused.visibility(1);
    play(paused, clock, 0, 1_500);
    paused.stopped();
    play(paused, clock, 1_500, 3_000);
    expect(types(paused.drain(false))).toEqual(['VIDEO_START']);

    const sought = new VideoProgressTracker(60_000);
    sought.visibility(1);
    play(sought, clock, 0, 1_500);
    sought.seeking();
    sought.seeked(30_000, clock.now);
    play(sought, clock, 30_000, 31_500);
    expect(types(sought.drain(false))).toEqual(['VIDEO_START']);

    const scrolled = new VideoProgressTracker(60_000);
    scrolled.visibility(0.9);
    play(scrolled, clock, 0, 1_500);
    scrolled.visibility(0.2);
    scrolled.visibility(0.9);
    play(scrolled, clock, 1_500, 3_000);
    expect(types(scrolled.drain(false))).toEqual(['VIDEO_START']);
    play(scrolled, clock, 3_000, 3_500);
    expect(types(scrolled.drain(false))).toEqual(['VIDEO_MRC_VIEW']);
  });

  it('hands out watch time as increments that sum to the playback, and visible watch time apart', () => {
    const tracker = new VideoProgressTracker(60_000);
    const clock = { now: 0 };
    tracker.visibility(1);
    play(tracker, clock, 0, 3_000);
    tracker.stopped();
    const first = tracker.drain(true);
    expect(watchOf(first)).toBe(3_000);
    expect(watchOf(first, 'VIDEO_V50_WATCH_TIME')).toBe(3_000);
    expect(tracker.drain(true)).toEqual([]);

    tracker.visibility(0.1);
    play(tracker, clock, 3_000, 5_000);
    const second = tracker.drain(true);
    expect(watchOf(second)).toBe(2_000);
    expect(watchOf(second, 'VIDEO_V50_WATCH_TIME')).toBe(0);
    expect(tracker.watched).toBe(5_000);
  });

  it('keeps a fraction of a millisecond for the next report', () => {
    const tracker = new VideoProgressTracker(60_000);
    tracker.play(0, 0);
    tracker.timeUpdate(100.4, 100);
    expect(watchOf(tracker.drain(true))).toBe(100);
    tracker.timeUpdate(200.8, 200);
    expect(watchOf(tracker.drain(true))).toBe(100);
    tracker.timeUpdate(300.2, 300);
    expect(watchOf(tracker.drain(true))).toBe(100);
  });

  it('counts the playback up to where it stopped, with no time update at the end', () => {
    const tracker = new VideoProgressTracker(12_000);
    const clock = { now: 0 };
    // Four times as fast: time updates every second of video, the last one at 10.9 s.
    tracker.play(0, clock.now);
    for (let position = 900; position <= 10_900; position += 1_000) {
      clock.now += 250;
      tracker.timeUpdate(position, clock.now, 4);
    }
    expect(types(tracker.drain(false))).toEqual(['VIDEO_START', 'VIDEO_10S_VIEW']);
    clock.now += 275;
    tracker.stopped({ positionMs: 12_000, nowMs: clock.now, playbackRate: 4 });
    const events = tracker.drain(true);
    expect(types(events)).toEqual(['VIDEO_Q95_VIEW', 'VIDEO_WATCH_TIME']);
    expect(watchOf(events)).toBe(12_000);
    // A stop after a seek (no playback since) adds nothing.
    tracker.play(0, clock.now);
    tracker.seeking();
    tracker.seeked(11_000, clock.now);
    tracker.stopped({ positionMs: 11_000, nowMs: clock.now });
    expect(tracker.drain(true)).toEqual([]);
  });

  it('ignores time updates while not playing', () => {
    const tracker = new VideoProgressTracker(60_000);
    tracker.timeUpdate(5_000, 1_000);
    tracker.play(5_000, 1_000);
    tracker.stopped();
    tracker.timeUpdate(9_000, 5_000);
    expect(tracker.watched).toBe(0);
    expect(types(tracker.drain(true))).toEqual(['VIDEO_START']);
  });
});

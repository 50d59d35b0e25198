import { useEffect, useRef } from 'react';
import type { PinVideo } from '../api/media';
import { reportVideoEvents } from '../lib/analytics';
import { MRC_VISIBLE_FRACTION, VideoProgressTracker } from '../lib/video-progress';

/** Watch time is sent at least this often while a video plays (and at every pause and on leaving). */
const WATCH_REPORT_EVERY_MS = 15_000;

/**
 * A video pin's player: the browser's own controls, the cover as poster, and its progress
 * reported to the analytics beacon (what counts is decided by lib/video-progress.ts). One
 * tracker per page view of the pin, so each milestone is reported once per view.
 */
export function VideoPlayer({
  pinId,
  video,
  label,
  poster,
}: {
  pinId: string;
  video: PinVideo;
  /** The accessible name of the player (the pin's title or alt text). */
  label: string;
  poster: string | null;
}) {
  const ref = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const tracker = new VideoProgressTracker(video.duration);
    let lastWatchReport = performance.now();
    const positionMs = () => element.currentTime * 1000;
    const report = (withWatchTime: boolean) => {
      const events = tracker.drain(withWatchTime);
      if (withWatchTime) lastWatchReport = performance.now();
      if (events.length > 0) reportVideoEvents(pinId, events, withWatchTime);
    };

    const onPlaying = () => {
      tracker.play(positionMs(), performance.now());
      report(false);
    };
    const stoppedHere = () => ({
      positionMs: positionMs(),
      nowMs: performance.now(),
      playbackRate: element.playbackRate,
    });
    const onStopped = () => {
      tracker.stopped(element.seeking ? undefined : stoppedHere());
      report(true);
    };
    const onWaiting = () => tracker.stopped(element.seeking ? undefined : stoppedHere());
    const onSeeking = () => tracker.seeking();
    const onSeeked = () => tracker.seeked(positionMs(), performance.now());
    const onTimeUpdate = () => {
      if (element.paused || element.seeking) return;
      const now = performance.now();
      tracker.timeUpdate(positionMs(), now, element.playbackRate);
      report(now - lastWatchReport >= WATCH_REPORT_EVERY_MS);
    };
    const onMetadata = () => tracker.setDuration(element.duration * 1000);
    const onHidden = () => {
      if (document.visibilityState === 'hidden') report(true);
    };
    const onPageHide = () => report(true);

    element.addEventListener('playing', onPlaying);
    element.addEventListener('pause', onStopped);
    element.addEventListener('ended', onStopped);
    element.addEventListener('waiting', onWaiting);
    element.addEventListener('seeking', onSeeking);
    element.addEventListener('seeked', onSeeked);
    element.addEventListener('timeupdate', onTimeUpdate);
    element.addEventListener('loadedmetadata', onMetadata);
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);

    // How much of the player is on screen, for the MRC view and the 50%-visible watch time.
    let observer: IntersectionObserver | null = null;
    if (typeof IntersectionObserver !== 'undefined') {
      observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) tracker.visibility(entry.isIntersecting ? entry.intersectionRatio : 0);
        },
        { threshold: [0, 0.25, MRC_VISIBLE_FRACTION, 0.75, 1] },
      );
      observer.observe(element);
    }

    return () => {
      observer?.disconnect();
      element.removeEventListener('playing', onPlaying);
      element.removeEventListener('pause', onStopped);
      element.removeEventListener('ended', onStopped);
      element.removeEventListener('waiting', onWaiting);
      element.removeEventListener('seeking', onSeeking);
      element.removeEventListener('seeked', onSeeked);
      element.removeEventListener('timeupdate', onTimeUpdate);
      element.removeEventListener('loadedmetadata', onMetadata);
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
      // Leaving the pin (another page of the app) reports what was watched.
      tracker.stopped();
      report(true);
    };
  }, [pinId, video.duration, video.video_url]);

  return (
    <video
      ref={ref}
      className="pin-video"
      src={video.video_url}
      poster={poster ?? undefined}
      controls
      playsInline
      preload="metadata"
      width={video.width || undefined}
      height={video.height || undefined}
      aria-label={label}
    />
  );
}

import cliProgress from 'cli-progress';
import type { BackupProgress } from './service.js';

/** A progress bar on stderr for each phase of a long export or import (silent when not a TTY). */
export function progressBar(): BackupProgress {
  let bar: cliProgress.SingleBar | null = null;
  return {
    phase(name, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        { format: `${name.padEnd(16)} |{bar}| {percentage}% {value}/{total}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 0), 0);
    },
    advance(amount) {
      bar?.increment(amount);
    },
    done() {
      bar?.stop();
      bar = null;
    },
  };
}

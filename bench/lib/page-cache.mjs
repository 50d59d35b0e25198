// Keeps the benchmark's database file in memory while the servers are measured.
//
// A benchmark of the server must not measure the disk. bench/seed.mjs's prewarm reads the file once,
// but on this kind of machine the kernel runs proactive reclaim (DAMON's `pageout` scheme: memory
// not touched for about a minute is written out or dropped, whatever memory is free). Pages of the
// 1.7 GB file that a random walk had not touched lately left the page cache between rounds (1.3 of
// 1.6 GB left after a few minutes), and the next read of one waited on the disk: a server's event
// loop stopped for 30 to 400 ms, which was most of a paced round's p99, for the bare server and the
// full one alike, whichever happened to read it.
//
// `vmtouch -l` (Debian's vmtouch) reads the file and mlock()s it until it is stopped: locked pages
// are not reclaimed. Without vmtouch the run goes on, reports it, and prints how to install it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { sleep, startProcess, stopProcess } from './common.mjs';

const DAMON_KDAMONDS = '/sys/kernel/mm/damon/admin/kdamonds';

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Kilobytes a process holds locked in memory (VmLck in /proc/PID/status), 0 if unknown. */
function lockedKb(pid) {
  try {
    const match = /^VmLck:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The kernel's proactive reclaim, when DAMON runs a `pageout` scheme (null when it does not):
 * what a reader of the results needs to know about why files leave memory on an idle machine.
 */
export function proactiveReclaim() {
  try {
    for (const id of fs.readdirSync(DAMON_KDAMONDS)) {
      const dir = `${DAMON_KDAMONDS}/${id}`;
      if (!/^\d+$/.test(id) || fs.readFileSync(`${dir}/state`, 'utf8').trim() !== 'on') continue;
      for (const context of fs.readdirSync(`${dir}/contexts`).filter((c) => /^\d+$/.test(c))) {
        const schemes = `${dir}/contexts/${context}/schemes`;
        for (const scheme of fs.readdirSync(schemes).filter((s) => /^\d+$/.test(s))) {
          if (fs.readFileSync(`${schemes}/${scheme}/action`, 'utf8').trim() === 'pageout')
            return `DAMON pageout (kdamond ${id})`;
        }
      }
    }
  } catch {
    // No DAMON sysfs interface: nothing reclaims proactively.
  }
  return null;
}

/**
 * Reads `files` into memory and keeps them there until `release()`. Resolves once every page is
 * locked (or after `timeoutMs`, reported as not held). Never throws: the benchmark still runs
 * without it, and `held` / `problem` say what happened.
 */
export async function holdInMemory(files, { log, timeoutMs = 180_000 }) {
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  if (!hasCommand('vmtouch')) {
    const problem =
      'vmtouch is not installed (apt-get install vmtouch): the database file may be read from disk mid-run';
    log(`WARNING: ${problem}.`);
    return { held: false, bytes, problem, release: async () => undefined };
  }
  log(`Locking the database file in memory (vmtouch -l, ${(bytes / 1e9).toFixed(2)} GB) …`);
  const started = Date.now();
  const child = startProcess('vmtouch', 'vmtouch', ['-q', '-l', '-m', '1024G', ...files]);
  const release = () => stopProcess(child);
  // Pages are locked file by file after they are read; VmLck counts them (4 KB pages, so the
  // total rounds up).
  const wantKb = Math.floor(bytes / 1024) - 4 * files.length;
  while (lockedKb(child.pid) < wantKb) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const problem = `vmtouch stopped (${child.exitCode ?? child.signalCode}); see ${child.logPath}`;
      log(`WARNING: ${problem}.`);
      return { held: false, bytes, problem, release };
    }
    if (Date.now() - started > timeoutMs) {
      const problem = `vmtouch had locked ${(lockedKb(child.pid) / 1e6).toFixed(2)} GB after ${timeoutMs / 1000} s`;
      log(`WARNING: ${problem}; going on.`);
      return { held: false, bytes, problem, release };
    }
    await sleep(200);
  }
  log(`Locked in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return { held: true, bytes, problem: null, release };
}

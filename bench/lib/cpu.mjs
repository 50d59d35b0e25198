// How much CPU other processes took while we measured: the machine's user+system time minus
// what this process, its finished children (the load generators) and the servers used.
// A benchmark on a shared machine is only as good as this number is small.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function machineBusy() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait] = f;
  return { busy: user + nice + system, total: user + nice + system + idle + iowait };
}

/** utime+stime (and for our own process also cutime+cstime: reaped children) in ticks. */
function processTicks(pid, withChildren = false) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text
      .slice(text.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // After the comm field: state(0) … utime(11) stime(12) cutime(13) cstime(14)
    return f[11] + f[12] + (withChildren ? f[13] + f[14] : 0);
  } catch {
    return 0;
  }
}

export function cpuSnapshot(pids = []) {
  return {
    at: process.hrtime.bigint(),
    machine: machineBusy(),
    ours: processTicks('self', true) + pids.reduce((n, pid) => n + processTicks(pid), 0),
  };
}

/** Cores' worth of CPU used by processes that are not ours between two snapshots. */
export function foreignCores(before, after) {
  const seconds = Number(after.at - before.at) / 1e9;
  const foreign = after.machine.busy - before.machine.busy - (after.ours - before.ours);
  return Math.max(0, foreign / TICKS_PER_SECOND / seconds);
}

/** Milliseconds of CPU (user + system, every thread) a process has used so far. */
export function processCpuMs(pid) {
  return (processTicks(pid) * 1000) / TICKS_PER_SECOND;
}

/** Fraction of the machine busy over `ms` (everything, ours included). */
export async function machineLoad(ms = 2000) {
  const a = machineBusy();
  await sleep(ms);
  const b = machineBusy();
  return (b.busy - a.busy) / Math.max(1, b.total - a.total);
}

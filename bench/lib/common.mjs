// Shared paths, options and process helpers for the benchmark.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const WORK_DIR = path.join(BENCH_DIR, '.work');
export const SERVER_DIST = path.join(ROOT_DIR, 'server', 'dist');

/** Imports a module of the built server (server/dist) by its path under dist. */
/**
 * The environment of a Corkboard server under benchmark: sandbox mode on `dataDir`, quiet logs,
 * and the rate limit raised out of reach: every call is counted but none refused, so the
 * benchmark measures the cost, not the refusals.
 */
export function benchServerEnv({ port, dataDir, threadpoolSize }) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    CORKBOARD_MODE: 'sandbox',
    SEED_DEMO: 'false',
    UV_THREADPOOL_SIZE: threadpoolSize,
    RATE_LIMIT_STANDARD_PER_SECOND: '100000000',
    RATE_LIMIT_STANDARD_PER_MINUTE: '100000000',
    REDIS_URL: '',
  };
}

export function importDist(relative) {
  return import(path.join(SERVER_DIST, relative));
}

/** Every child process started here, so they can all be stopped on exit or error. */
const children = new Set();

/**
 * Starts a process, pinned to `cpus` with taskset when given. Output goes to a log file
 * under bench/.work/logs so a crash can be read afterwards.
 */
export function startProcess(name, command, args, { cpus = null, env = {}, log = true } = {}) {
  const [cmd, argv] = cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
  fs.mkdirSync(path.join(WORK_DIR, 'logs'), { recursive: true });
  const logPath = path.join(WORK_DIR, 'logs', `${name}.log`);
  const out = log ? fs.openSync(logPath, 'w') : 'ignore';
  const child = spawn(cmd, argv, {
    cwd: ROOT_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  child.benchName = name;
  child.logPath = logPath;
  children.add(child);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void child.exited.then(() => children.delete(child));
  return child;
}

/** Stops one child process (by its pid) and waits for it to exit. */
export async function stopProcess(child, timeoutMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = sleep(timeoutMs).then(() => 'timeout');
  if ((await Promise.race([child.exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await child.exited;
  }
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stopProcess(c)));
}

let cleanupInstalled = false;
/** Stops every child on Ctrl-C, SIGTERM or an uncaught error. */
export function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const bail = (code) => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(code);
  };
  process.once('SIGINT', () => bail(130));
  process.once('SIGTERM', () => bail(143));
  process.once('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

/**
 * Runs a process to completion and returns its stdout (stderr is passed through only on
 * failure). Rejects when it exits non-zero.
 */
export function runProcess(command, args, { cpus = null, env = {}, input = null } = {}) {
  const [cmd, argv] = cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT_DIR, env: { ...process.env, ...env } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== null) child.stdin.end(input);
    else child.stdin.end();
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code ?? signal}\n${stderr}${stdout.slice(-2000)}`,
          ),
        );
    });
  });
}

/** Polls GET url until it answers 200, the process dies, or the timeout passes. */
export async function waitForHealth(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${child.benchName} exited before it was healthy; see ${child.logPath}:\n${tail(child.logPath)}`,
      );
    }
    try {
      const res = await globalThis.fetch(url);
      if (res.status === 200) return;
      lastError = new Error(`status ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (${lastError?.message}); see ${child?.logPath}`);
}

export function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Percentile (0–100) of an array of numbers, nearest-rank. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export { sleep };

// Where the time goes in a V8 .cpuprofile (as written by `node --cpu-prof`): self time grouped
// by package / server module, the top functions by self time, and inclusive time of server code.
//
//   node bench/lib/profile-summary.mjs bench/.work/profiles/CPU.….cpuprofile [--top=25] [--callers=executeQuery] [--skip-ms=3000]
// --callers=NAME: time spent in (and under) functions called NAME, by the nearest server function above them.
import fs from 'node:fs';

const file = process.argv[2];
const top = Number((process.argv.find((a) => a.startsWith('--top=')) ?? '--top=25').slice(6));
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// --skip-ms=N leaves out the first N ms of the profile (start-up: module loading, migrations).
const skipUs =
  1000 * Number((process.argv.find((a) => a.startsWith('--skip-ms=')) ?? '--skip-ms=0').slice(10));
const self = new Map();
let elapsed = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  elapsed += profile.timeDeltas[i] ?? 0;
  if (elapsed < skipUs) continue;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const sampled = [...self.values()].reduce((a, b) => a + b, 0);
// Percentages are of the time the process was busy: idle time (waiting for requests) is left out.
let idle = 0;
for (const [id, t] of self) if (byId.get(id).callFrame.functionName === '(idle)') idle += t;
const total = sampled - idle;

function groupOf(frame) {
  const url = frame.url || '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8 builtins)';
  let m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  m = /server\/dist\/(.+?)\.js/.exec(url);
  if (m) return `server: ${m[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(deps\/)?/, 'node:').replace(/\/.*$/, '');
  return url.replace(/^file:\/\/.*\//, '');
}

const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
const groups = new Map();
const functions = new Map();
const inclusiveServer = new Map();
for (const [id, t] of self) {
  const node = byId.get(id);
  const f = node.callFrame;
  if (f.functionName === '(idle)') continue;
  add(groups, groupOf(f), t);
  add(functions, `${f.functionName || '(anonymous)'} ${groupOf(f)}:${f.lineNumber + 1}`, t);
  // Inclusive time of each server function on the stack (counted once per sample).
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur).callFrame;
    const g = groupOf(cf);
    if (!g.startsWith('server: ')) continue;
    const key = `${cf.functionName || '(anonymous)'} ${g}:${cf.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add(inclusiveServer, key, t);
  }
}

const callersOf = (process.argv.find((a) => a.startsWith('--callers=')) ?? '').slice(10);
const callers = new Map();
if (callersOf) {
  for (const [id, t] of self) {
    let inside = false;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      if (!inside && cf.functionName === callersOf) inside = true;
      else if (inside && groupOf(cf).startsWith('server: ')) {
        add(callers, `${cf.functionName || '(anonymous)'} ${groupOf(cf)}:${cf.lineNumber + 1}`, t);
        break;
      }
    }
  }
}

const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const show = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(t)}  ${k}`);
};
console.log(
  `${file}: ${(sampled / 1e6).toFixed(1)} s sampled, ${(total / 1e6).toFixed(1)} s busy; percentages are of busy time`,
);
show('Self time by package / module', groups, top);
show('Top functions by self time', functions, top);
show('Server functions, inclusive time', inclusiveServer, top);
if (callersOf)
  show(`Time in ${callersOf} (and below), by the nearest server function above it`, callers, top);

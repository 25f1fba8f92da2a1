// node bench/profile-summary.mjs <file.cpuprofile> [top]: where a CPU profile's samples fall, by
// package (or our own file) and by function, as shares of all samples. Used with BENCH_CPU_PROF.
import { readFileSync } from 'node:fs';

// --busiest <s>: only the samples of the busiest <s>-second window (the load, without start-up and seeding)
const args = process.argv.slice(2);
const busiestAt = args.indexOf('--busiest');
const window = busiestAt >= 0 ? Number(args.splice(busiestAt, 2)[1]) : undefined;
// --skip <s>: leave out the first <s> seconds (start-up) before looking for that window
const skipAt = args.indexOf('--skip');
const skip = skipAt >= 0 ? Number(args.splice(skipAt, 2)[1]) * 1e6 : 0;
const [file, topArg] = args;
if (!file) {
  console.error('usage: node bench/profile-summary.mjs [--busiest <seconds> [--skip <seconds>]] <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const isIdle = (id) => byId.get(id).callFrame.functionName === '(idle)';
// each sample's time (µs from the start)
const times = [];
profile.timeDeltas.reduce((t, d, i) => (times[i] = t + d), 0);
let [from, to] = [0, Infinity];
if (window) {
  // the window with the most busy samples, by a sliding pass over the samples
  let best = -1;
  const first = Math.max(
    0,
    times.findIndex((t) => t >= skip),
  );
  for (let i = first, j = first, busy = 0; j < times.length; j++) {
    if (!isIdle(profile.samples[j])) busy++;
    while (times[j] - times[i] > window * 1e6) if (!isIdle(profile.samples[i++])) busy--;
    if (busy > best) [best, from, to] = [busy, times[i], times[j]];
  }
}
const hits = new Map();
profile.samples.forEach((id, i) => {
  if (times[i] >= from && times[i] <= to) hits.set(id, (hits.get(id) ?? 0) + 1);
});
const all = [...hits.values()].reduce((a, b) => a + b, 0);
// shares of the busy samples: the idle ones are the event loop waiting (on the database, or for load)
const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((n, { id }) => n + (hits.get(id) ?? 0), 0);
const total = all - idle;

/** node_modules/<package>, our own dist file, node's internals, or the VM's pseudo-frames. */
function owner({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const d = /dist\/(.+)$/.exec(url);
  return d ? d[1] : url;
}

const byOwner = new Map();
const byFunction = new Map();
for (const [id, n] of hits) {
  const { callFrame } = byId.get(id);
  if (callFrame.functionName === '(idle)') continue;
  const o = owner(callFrame);
  byOwner.set(o, (byOwner.get(o) ?? 0) + n);
  const f = `${callFrame.functionName || '(anonymous)'} ${o}:${callFrame.lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + n);
}
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, n] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${k}`);
};
console.log(
  `${file}: ${all} samples over ${(Math.min(to, times.at(-1)) / 1e6 - from / 1e6).toFixed(1)} s${window ? ` (the busiest ${window} s, from ${(from / 1e6).toFixed(1)} s)` : ''}, ${((100 * idle) / all).toFixed(1)} % idle; shares below are of the busy samples`,
);
print('self time by package or file', byOwner);
print('self time by function', byFunction);

// node bench/profile-summary.mjs <file.cpuprofile> [top]: where a CPU profile's samples fall, by
// package (or our own file) and by function, as shares of all samples. Used with BENCH_CPU_PROF.
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const all = profile.samples.length;
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
  `${file}: ${all} samples over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${((100 * idle) / all).toFixed(1)} % idle; shares below are of the busy samples`,
);
print('self time by package or file', byOwner);
print('self time by function', byFunction);

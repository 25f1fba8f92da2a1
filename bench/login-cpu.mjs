// node bench/login-cpu.mjs (after nest build): the CPU one login costs, split by thread (the hashing
// threads, the event loop, V8's helpers), by the PostgreSQL backends serving this database, and the
// same for the floor's login, from /proc counters around SECONDS (8) of logins at CONN (8) connections.
// ROUNDS repeats; HASH_CONCURRENCY and HASH_NICE reach the server. Linux only.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { admin, serverEnv, sleep, subscribedDoctor, throwawayDatabase, waitFor } from './support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.SECONDS ?? 8);
const CONN = Number(process.env.CONN ?? 8);
const PORT = 3421;
const FPORT = 3422;
const JWT_SECRET = randomBytes(48).toString('base64url');
const PASSWORD = 'Bench-Passw0rd-1';
const TICK = 1000 / 100; // ms per clock tick (USER_HZ is 100 on Linux)
const { name: dbName, url: dbUrl } = throwawayDatabase('medisync_cpu');
const stat = (p) => {
  const s = readFileSync(p, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), cpu: (Number(f[11]) + Number(f[12])) * TICK, nice: Number(f[16]) };
};
function threads(pid) {
  const out = {};
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = stat(`/proc/${pid}/task/${t}/stat`);
      const kind = t === String(pid) ? 'main' : s.comm;
      out[kind] = (out[kind] ?? 0) + s.cpu;
    } catch {
      /* the thread ended */
    }
  }
  return out;
}
async function pgCpu() {
  const { rows } = await admin(`SELECT pid FROM pg_stat_activity WHERE datname = '${dbName}'`);
  let cpu = 0;
  for (const { pid } of rows) {
    try {
      cpu += stat(`/proc/${pid}/stat`).cpu;
    } catch {
      /* the backend ended */
    }
  }
  return cpu;
}
const diff = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));
async function measure(label, pid, port, path) {
  const body = JSON.stringify({ email: 'cpu.doctor@example.org', password: PASSWORD });
  const opts = {
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONN,
  };
  await new Promise((r, j) => autocannon({ ...opts, duration: 1 }, (e, x) => (e ? j(e) : r(x))));
  const t0 = threads(pid),
    p0 = await pgCpu(),
    s0 = process.cpuUsage(),
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const res = await new Promise((r, j) => autocannon({ ...opts, duration: SECONDS }, (e, x) => (e ? j(e) : r(x))));
  const t1 = threads(pid),
    p1 = await pgCpu(),
    s1 = process.cpuUsage(s0);
  const n = res.requests.total,
    d = diff(t0, t1);
  const per = (ms) => (ms / n).toFixed(2);
  const app = Object.values(d).reduce((a, b) => a + b, 0);
  const parts = Object.entries(d)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${per(v)}`)
    .join(', ');
  console.log(
    `${label} load[${load}]: ${Math.round(n / SECONDS)}/s (non2xx ${res.non2xx}); ms CPU per login: process ${per(app)} [${parts}]; postgres ${per(p1 - p0)}; autocannon ${per((s1.user + s1.system) / 1000)}`,
  );
}
await admin(`CREATE DATABASE ${dbName}`);
// HASH_CONCURRENCY and HASH_NICE reach the server (serverEnv passes them through)
const env = serverEnv({ port: PORT, dbUrl, jwtSecret: JWT_SECRET, logLevel: 'warn' });
const app = spawn(process.execPath, [join(root, 'dist/src/main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
let floor;
try {
  await waitFor(`http://127.0.0.1:${PORT}/health/ready`);
  await subscribedDoctor(PORT, dbUrl, 'cpu.doctor@example.org', PASSWORD);
  floor = fork(join(root, 'bench/floor-server.mjs'), {
    env: { ...process.env, DATABASE_URL: dbUrl, JWT_SECRET, PORT: String(FPORT) },
    stdio: 'ignore',
  });
  await new Promise((r) => floor.once('message', r));
  for (let i = 0; i < Number(process.env.ROUNDS ?? 1); i++) {
    await measure('app  ', app.pid, PORT, '/api/login');
    await measure('floor', floor.pid, FPORT, '/login');
  }
} finally {
  app.kill('SIGTERM');
  floor?.kill('SIGTERM');
  await sleep(500);
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
}

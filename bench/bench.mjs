// npm run bench: MediSync (built, on the local PostgreSQL) against a bare node:http floor doing the
// same work, with autocannon, each scenario for a bounded time. Prints a table and writes
// bench/results/latest.json. BENCH_RUNS (default 1) repeats everything and reports medians;
// BENCH_SECONDS (default 5) is each measurement's length. A second instance signing with EdDSA
// (JWT_ALGORITHM=EdDSA) runs the protected read too, paired with the HS256 instance's.
import { fork, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { admin, api as apiOn, serverEnv, sleep, subscribedDoctor, throwawayDatabase, waitFor } from './support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const CONNECTIONS = 50;
const LOGIN_CONNECTIONS = 8;
// hostile bodies per second: BENCH_HOSTILE_ADDRESSES clients each at the default public limit (300/min)
const HOSTILE_RATE = Math.max(1, Math.round((Number(process.env.BENCH_HOSTILE_ADDRESSES ?? 10) * 300) / 60));
// a login body nested 2,400 levels deep (about 4.8 kB, far under the body limit)
const NESTED_BODY = `{"email":${'['.repeat(2400)}${']'.repeat(2400)}}`;
// BENCH_PORT_BASE (default 3301) and the three ports after it
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3301);
const APP_PORT = PORT_BASE;
const FLOOR_PORT = PORT_BASE + 1;
const EDDSA_PORT = PORT_BASE + 2;
const NOCACHE_PORT = PORT_BASE + 3;
const EDDSA_PAIR = generateKeyPairSync('ed25519');
const EDDSA_KEY = EDDSA_PAIR.privateKey.export({ type: 'pkcs8', format: 'pem' });
const JWT_SECRET = randomBytes(48).toString('base64url');
const PASSWORD = 'Bench-Passw0rd-1';
const { name: dbName, url: dbUrl } = throwawayDatabase('medisync_bench');

function startApp(port = APP_PORT, extraEnv = {}) {
  const started = Date.now();
  // BENCH_CPU_PROF=<dir>: the instance on APP_PORT writes a CPU profile there when it stops (see bench/profile-summary.mjs)
  const profile = process.env.BENCH_CPU_PROF && port === APP_PORT ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, join(root, 'dist/src/main.js')], {
    env: {
      ...serverEnv({ port, dbUrl, jwtSecret: JWT_SECRET, logLevel: process.env.BENCH_LOG_LEVEL ?? 'info' }),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, started };
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: SECONDS, connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const summary = (r) => ({
  rps: Math.round(r.requests.average),
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  statuses: Object.keys(r.statusCodeStats ?? {}).join(','),
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const api = (path, init = {}, port = APP_PORT) => apiOn(port, path, init);

async function main() {
  await admin(`CREATE DATABASE ${dbName}`);
  let app = startApp();
  let floor;
  let eddsa;
  let nocache;
  try {
    await waitFor(`http://127.0.0.1:${APP_PORT}/health/ready`); // first start: migrations
    app.child.kill('SIGTERM');
    await new Promise((r) => app.child.once('exit', r));
    app = startApp();
    const startMs = (await waitFor(`http://127.0.0.1:${APP_PORT}/health/ready`)) + 0;
    const startToReady = Date.now() - app.started;
    await sleep(2000);
    const idleRss = rssMb(app.child.pid);

    // seed: a verified doctor with a subscription and 20 patients
    const email = 'bench.doctor@example.org';
    const token = await subscribedDoctor(APP_PORT, dbUrl, email, PASSWORD);
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 20; i++) {
      await api('/api/patients', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          firstName: `P${String.fromCharCode(97 + i)}`,
          lastName: `Patient ${String.fromCharCode(65 + i)}`,
          dateOfBirth: '1980-01-01',
        }),
      });
    }

    // the same service signing with EdDSA, on the same database: the same doctor logs in there
    eddsa = startApp(EDDSA_PORT, { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: EDDSA_KEY });
    await waitFor(`http://127.0.0.1:${EDDSA_PORT}/health/ready`);
    const eddsaLogin = await api('/api/login', { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) }, EDDSA_PORT);
    if (JSON.parse(Buffer.from(eddsaLogin.token.split('.')[0], 'base64url').toString()).alg !== 'EdDSA')
      throw new Error('not an EdDSA token');
    const eddsaAuth = { authorization: `Bearer ${eddsaLogin.token}` };

    // the same service without the access-state cache (ACCESS_CACHE_TTL_MS=0): one query per read, as the floor
    // (its own login: a token names its issuer, APP_URL, which follows the port)
    nocache = startApp(NOCACHE_PORT, { ACCESS_CACHE_TTL_MS: '0' });
    await waitFor(`http://127.0.0.1:${NOCACHE_PORT}/health/ready`);
    const nocacheLogin = await api('/api/login', { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) }, NOCACHE_PORT);
    const nocacheAuth = { authorization: `Bearer ${nocacheLogin.token}` };

    floor = fork(join(root, 'bench/floor-server.mjs'), {
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        JWT_SECRET,
        JWT_PUBLIC_KEY: EDDSA_PAIR.publicKey.export({ type: 'spki', format: 'pem' }),
        PORT: String(FLOOR_PORT),
      },
      stdio: 'ignore',
    });
    await new Promise((r) => floor.once('message', r));

    // refresh: every request rotates the refresh token of a session no other request is using, and keeps
    // its successor. Every run starts on fresh sessions (`prepare`): a request still in flight when a run
    // stops has rotated a token whose successor nobody kept, and its next use would be reuse (401).
    const rotating = (url) => {
      // sessions not in use; a request takes one and gives it back with its successor (autocannon
      // resets a request's context at every sequence, so a session cannot live in a connection's context)
      let free = [];
      return {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        prepare: async (n) => {
          free = [];
          for (let i = 0; i < n + 10; i++) {
            const login = await api('/api/login', { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
            free.push({ token: login.refreshToken });
          }
        },
        requests: [
          {
            setupRequest: (req, context) => {
              context.session = free.pop();
              return { ...req, body: JSON.stringify({ refreshToken: context.session.token }) };
            },
            onResponse: (status, body, context) => {
              if (status !== 200) return; // that session is over (counted as non-2xx)
              context.session.token = JSON.parse(body).refreshToken;
              free.push(context.session);
            },
          },
        ],
      };
    };

    const app_ = `http://127.0.0.1:${APP_PORT}`;
    const flo = `http://127.0.0.1:${FLOOR_PORT}`;
    const loginBody = JSON.stringify({ email, password: PASSWORD });
    const scenarios = {
      'protected read': [
        { url: `${app_}/api/users/me`, headers: auth },
        { url: `${flo}/me`, headers: auth },
      ],
      // every request reads the account state from the database (no cache), like the floor
      'read without cache': [
        { url: `http://127.0.0.1:${NOCACHE_PORT}/api/users/me`, headers: nocacheAuth },
        { url: `${flo}/me`, headers: auth },
      ],
      // the protected read with tokens signed by EdDSA, against a floor that verifies Ed25519 with node:crypto
      'EdDSA read': [
        { url: `http://127.0.0.1:${EDDSA_PORT}/api/users/me`, headers: eddsaAuth },
        { url: `${flo}/me`, headers: eddsaAuth },
      ],
      'protected list': [
        { url: `${app_}/api/patients`, headers: auth },
        { url: `${flo}/patients`, headers: auth },
      ],
      // a FHIR Patient search answering 20 Patients in a searchset Bundle (the seeded doctor's 20 patients)
      'FHIR search': [
        { url: `${app_}/fhir/R4/Patient?_count=20`, headers: auth },
        { url: `${flo}/fhir/Patient`, headers: auth },
      ],
      'protected write': [
        {
          url: `${app_}/api/users/me`,
          method: 'PATCH',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ firstName: 'Bench' }),
        },
        {
          url: `${flo}/me`,
          method: 'PATCH',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ firstName: 'Bench' }),
        },
      ],
      refresh: [rotating(`${app_}/api/token/refresh`), rotating(`${flo}/refresh`)],
      login: [
        {
          url: `${app_}/api/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: loginBody,
          connections: LOGIN_CONNECTIONS,
        },
        {
          url: `${flo}/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: loginBody,
          connections: LOGIN_CONNECTIONS,
        },
      ],
    };

    // BENCH_ONLY=<scenario>[,<scenario>]: those scenarios alone (for profiling; the table needs them all);
    // `login storm` is the protected read alone, then under a login storm, with the ratio of their p99
    const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
    const runs = [];
    for (let n = 0; n < RUNS; n++) {
      const one = {};
      if (only) {
        for (const name of only) {
          if (name === 'login storm') {
            const reading = scenarios['protected read'][0];
            await run({ ...reading, duration: 1 });
            const alone = summary(await run(reading));
            const [read, storm] = await Promise.all([run(reading), run({ ...scenarios.login[0], connections: 32 })]);
            const under = summary(read);
            console.log(
              `protected read p99: ${alone.p99} ms alone (${alone.rps} req/s), ${under.p99} ms under a login storm (${under.rps} req/s; ${summary(storm).rps} logins/s): x${(under.p99 / alone.p99).toFixed(2)}`,
            );
            continue;
          }
          const [mine, base] = scenarios[name] ?? [];
          if (!mine) throw new Error(`BENCH_ONLY: no scenario ${name} (${Object.keys(scenarios).join(', ')})`);
          await mine.prepare?.(mine.connections ?? CONNECTIONS);
          await run({ ...mine, duration: 1 });
          await mine.prepare?.(mine.connections ?? CONNECTIONS);
          const a = summary(await run(mine));
          await base.prepare?.(base.connections ?? CONNECTIONS);
          const b = summary(await run(base));
          console.log(
            `${name}: ${a.rps} req/s (p99 ${a.p99} ms, status ${a.statuses}) vs floor ${b.rps} (p99 ${b.p99} ms, status ${b.statuses}): ${(a.rps / b.rps).toFixed(2)}`,
          );
        }
        return;
      }
      for (const [name, [mine, base]] of Object.entries(scenarios)) {
        const prepared = async (opts) => {
          await opts.prepare?.(opts.connections ?? CONNECTIONS);
          return opts;
        };
        await run({ ...(await prepared(mine)), duration: 1 }); // warm-up
        one[name] = { app: summary(await run(await prepared(mine))), floor: summary(await run(await prepared(base))) };
      }
      // the protected read signed with EdDSA against the same read with HS256, measured back to back
      const hsRead = scenarios['protected read'][0];
      const edRead = { url: `http://127.0.0.1:${EDDSA_PORT}/api/users/me`, headers: eddsaAuth };
      await run({ ...edRead, duration: 1 });
      await run({ ...hsRead, duration: 1 });
      const [first, second] = n % 2 === 0 ? [edRead, hsRead] : [hsRead, edRead];
      const a = summary(await run(first));
      const b = summary(await run(second));
      one['protected read EdDSA'] = first === edRead ? { eddsa: a, hs256: b } : { eddsa: b, hs256: a };
      // a protected read while a login storm runs: hashing must stay off the event loop
      const [read, storm] = await Promise.all([run(scenarios['protected read'][0]), run({ ...scenarios.login[0], connections: 32 })]);
      one['read under login storm'] = { app: summary(read), storm: summary(storm) };
      // a protected read while bodies nested 2,400 deep arrive at the public rate: refused while parsing (400)
      const [readNested, hostile] = await Promise.all([
        run(scenarios['protected read'][0]),
        run({
          url: `${app_}/api/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: NESTED_BODY,
          connections: 4,
          overallRate: HOSTILE_RATE,
        }),
      ]);
      one['read under nested bodies'] = { app: summary(readNested), hostile: { ...summary(hostile), status4xx: hostile['4xx'] } };
      runs.push(one);
      console.error(`run ${n + 1}/${RUNS} done`);
    }

    const med = (name, side, key) => median(runs.map((r) => r[name][side][key]));
    const rows = Object.keys(scenarios).map((name) => {
      const appRps = med(name, 'app', 'rps');
      const floorRps = med(name, 'floor', 'rps');
      return {
        scenario: name,
        appRps,
        floorRps,
        ratio: +(appRps / floorRps).toFixed(2),
        appP99: med(name, 'app', 'p99'),
        floorP99: med(name, 'floor', 'p99'),
      };
    });
    const eddsaRps = med('protected read EdDSA', 'eddsa', 'rps');
    const hs256Rps = med('protected read EdDSA', 'hs256', 'rps');
    const readAloneP99 = med('protected read', 'app', 'p99');
    const readStormP99 = med('read under login storm', 'app', 'p99');
    const readNestedP99 = med('read under nested bodies', 'app', 'p99');
    const targets = {
      'protected read': 0.6,
      'read without cache': 0.6,
      'EdDSA read': 0.6,
      'protected write': 0.5,
      refresh: 0.5,
      'FHIR search': 0.5,
      login: 0.85,
    };
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cores: (await import('node:os')).cpus().length,
      seconds: SECONDS,
      runs: RUNS,
      connections: CONNECTIONS,
      loginConnections: LOGIN_CONNECTIONS,
      scenarios: rows.map((r) => ({
        ...r,
        target: targets[r.scenario] ?? null,
        met: targets[r.scenario] ? r.ratio >= targets[r.scenario] : null,
      })),
      eddsaRead: {
        eddsaRps,
        hs256Rps,
        ratio: +(eddsaRps / hs256Rps).toFixed(2),
        eddsaP99: med('protected read EdDSA', 'eddsa', 'p99'),
        hs256P99: med('protected read EdDSA', 'hs256', 'p99'),
        target: 0.9,
        met: eddsaRps >= 0.9 * hs256Rps,
      },
      readUnderLoginStorm: {
        p99Alone: readAloneP99,
        p99UnderStorm: readStormP99,
        ratio: +(readStormP99 / readAloneP99).toFixed(2),
        target: 3,
        met: readStormP99 <= 3 * readAloneP99,
      },
      readUnderNestedBodies: {
        hostilePerSecond: HOSTILE_RATE,
        p99Alone: readAloneP99,
        p99UnderHostile: readNestedP99,
        ratio: +(readNestedP99 / readAloneP99).toFixed(2),
        target: 2,
        met: readNestedP99 <= 2 * readAloneP99,
        hostileAnswered4xx: median(runs.map((r) => r['read under nested bodies'].hostile.status4xx)),
      },
      idleRssMb: +idleRss.toFixed(1),
      startToReadyMs: startToReady,
      readyAfterSpawnMs: startMs,
      // non-2xx answers and errors per scenario and side (the hostile bodies' 400s are meant)
      errorsBy: Object.fromEntries(
        Object.keys(runs[0]).map((name) => [
          name,
          Object.fromEntries(
            Object.keys(runs[0][name]).map((side) => [side, runs.reduce((n, r) => n + r[name][side].errors + r[name][side].non2xx, 0)]),
          ),
        ]),
      ),
      errors: runs
        // the hostile bodies are meant to be refused: their 400s are not errors
        .flatMap((r) =>
          Object.values(r).flatMap((s) =>
            Object.entries(s)
              .filter(([side]) => side !== 'hostile')
              .map(([, x]) => x.errors + x.non2xx),
          ),
        )
        .reduce((a, b) => a + b, 0),
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify(result, null, 2)}\n`);

    const pad = (s, n) => String(s).padEnd(n);
    console.log(
      `\nMediSync API vs its floor (${result.cores} cores, ${process.version}, ${SECONDS} s each, median of ${RUNS}, ${CONNECTIONS} connections; login ${LOGIN_CONNECTIONS})\n`,
    );
    console.log(
      `${pad('scenario', 18)}${pad('req/s', 9)}${pad('floor', 9)}${pad('ratio', 7)}${pad('target', 8)}${pad('p99 ms', 8)}floor p99`,
    );
    for (const r of result.scenarios) {
      console.log(
        `${pad(r.scenario, 18)}${pad(r.appRps, 9)}${pad(r.floorRps, 9)}${pad(r.ratio, 7)}${pad(r.target ? `>=${r.target}${r.met ? '' : ' !'}` : '-', 8)}${pad(r.appP99, 8)}${r.floorP99}`,
      );
    }
    const e = result.eddsaRead;
    console.log(
      `\nprotected read signed with EdDSA: ${e.eddsaRps} req/s vs ${e.hs256Rps} with HS256 (x${e.ratio}; target >= 0.9${e.met ? '' : ' !'}); p99 ${e.eddsaP99} vs ${e.hs256P99} ms`,
    );
    const s = result.readUnderLoginStorm;
    console.log(
      `\nprotected read p99: ${s.p99Alone} ms alone, ${s.p99UnderStorm} ms under a login storm (x${s.ratio}; target <= x3${s.met ? '' : ' !'})`,
    );
    const n = result.readUnderNestedBodies;
    console.log(
      `protected read p99: ${n.p99Alone} ms alone, ${n.p99UnderHostile} ms while ${n.hostilePerSecond}/s bodies nested 2,400 deep arrive (x${n.ratio}; target <= x2${n.met ? '' : ' !'})`,
    );
    console.log(
      `idle RSS after start: ${result.idleRssMb} MB (target <= 150); start to ready on PostgreSQL: ${result.startToReadyMs} ms (target <= 2000)`,
    );
    console.log(`non-2xx or errors during the runs: ${result.errors}`);
    for (const [name, sides] of Object.entries(result.errorsBy))
      for (const [side, n] of Object.entries(sides)) if (n > 0 && side !== 'hostile') console.log(`  ${name} (${side}): ${n}`);
    console.log('\nJSON: bench/results/latest.json');
  } finally {
    app.child.kill('SIGTERM');
    eddsa?.child.kill('SIGTERM');
    nocache?.child.kill('SIGTERM');
    floor?.kill('SIGTERM');
    await sleep(500);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * Nest 12 and some of its companions are published as ES modules only; Jest's CommonJS runtime
 * cannot load them, so @swc/jest compiles them (and our TypeScript, with decorator metadata) to
 * CommonJS. Node itself loads them natively (require(esm), Node >= 20.19).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Installed packages that declare "type": "module" (found once, at config time). */
function esmPackages() {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const visit = (name) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name);
    } catch {
      /* not a package */
    }
  };
  for (const entry of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of fs.readdirSync(path.join(root, entry))) visit(`${entry}/${sub}`);
    else visit(entry);
  }
  return names.map((n) => n.replace(/[.+]/g, '\\$&'));
}
const esmOnly = esmPackages();
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
/**
 * kubernetes-models (the Kubernetes schemas for deploy/kubernetes.spec.ts) exports its files under the
 * "import" condition only, which Jest's CommonJS resolver does not use: point at the files directly.
 */
const kubernetesModels = {
  '^@kubernetes-models/(base|validate)$': '<rootDir>/node_modules/@kubernetes-models/$1/dist/index.js',
  '^@kubernetes-models/validate/runtime/(.+?)(\\.js)?$': '<rootDir>/node_modules/@kubernetes-models/validate/dist/runtime/$1.js',
  '^(kubernetes-models|@kubernetes-models/apimachinery|@kubernetes-models/prometheus-operator)/(.+?)(\\.js)?$':
    '<rootDir>/node_modules/$1/$2.js',
};
/** fhir-kit-client (the FHIR client test/fhir.e2e-spec.ts drives the server with) too exports under "import" only. */
const fhirKitClient = { '^fhir-kit-client$': '<rootDir>/node_modules/fhir-kit-client/dist/index.js' };
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  resolver: '<rootDir>/test/support/resolver.js',
};
module.exports = {
  // Jest's default is one worker fewer than the cores, which on a 2-core machine means running every
  // suite in one process, one after another; the suites wait on I/O a lot, so two workers finish sooner.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/migrations/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts'],
      moduleNameMapper: kubernetesModels,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      moduleNameMapper: fhirKitClient,
      slowTestThreshold: 60,
      // one PGlite cluster made by initdb per run; each embedded test database starts from a copy of it
      globalSetup: '<rootDir>/test/support/pglite-template.ts',
      globalTeardown: '<rootDir>/test/support/pglite-template-teardown.ts',
    },
    // needs a Redis server: only when TEST_REDIS_URL is set (npm run test:redis, .ci/run)
    ...(process.env.TEST_REDIS_URL ? [{ ...common, displayName: 'redis', testMatch: ['<rootDir>/test/**/*.redis-spec.ts'] }] : []),
    // several instances on one real PostgreSQL: only when TEST_INSTANCES=1 (npm run test:instances, .ci/run)
    ...(process.env.TEST_INSTANCES === '1'
      ? [{ ...common, displayName: 'instances', testMatch: ['<rootDir>/test/**/*.instances-spec.ts'] }]
      : []),
    // the pages and the console in Debian's Chromium (playwright-core): only when TEST_BROWSER=1 (npm run test:browser, .ci/run)
    ...(process.env.TEST_BROWSER === '1'
      ? [
          {
            ...common,
            displayName: 'browser',
            testMatch: ['<rootDir>/test/**/*.browser-spec.ts'],
            slowTestThreshold: 60,
            globalSetup: '<rootDir>/test/support/pglite-template.ts',
            globalTeardown: '<rootDir>/test/support/pglite-template-teardown.ts',
          },
        ]
      : []),
    // stops this machine's PostgreSQL: only when TEST_OUTAGE=1 (npm run test:outage, .ci/run)
    ...(process.env.TEST_OUTAGE === '1' ? [{ ...common, displayName: 'outage', testMatch: ['<rootDir>/test/**/*.outage-spec.ts'] }] : []),
  ],
  testTimeout: 60000,
};

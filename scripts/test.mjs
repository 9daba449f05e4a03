/**
 * `npm test`: finds or starts Postgres and Redis (scripts/local-services.mjs), then runs, in order,
 * prettier --check, eslint, tsc --noEmit (server, and the browser client's own configs) and jest (ESM mode) with DATABASE_URL, REDIS_URL and
 * NODE_ENV=test. Extra arguments go to jest: `npm test -- libs/award`, `npm test -- --selectProjects unit`.
 * Exits with jest's code (1 if jest passed but a check failed); stops any private service it started.
 * SKIP_CHECKS=1 skips prettier, eslint and tsc (quick jest loop).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ensureServices } from './local-services.mjs';

const jestArgs = process.argv.slice(2);
const timings = [];
let services = null;
let current = null;
let countLine = null;

function run(label, command, args, env = process.env) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n▶ ${label}`);
    current = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    current.on('exit', (code, signal) => {
      current = null;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const status = code === 0 ? 'ok' : signal ? `killed by ${signal}` : `exit ${code}`;
      const line = `${label.padEnd(12)} ${status.padEnd(10)} ${seconds.padStart(6)} s`;
      timings.push(line);
      console.log(`■ ${line}`);
      resolve(code ?? 1);
    });
  });
}

async function finish(code) {
  if (services) await services.stop();
  services = null;
  console.log(`\nnpm test summary:\n  ${timings.join('\n  ')}`);
  if (countLine) console.log(countLine);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    current?.kill(signal);
    void finish(130);
  });
}

const servicesStarted = Date.now();
try {
  services = await ensureServices({ purpose: 'test', log: (message) => console.log(`  ${message}`) });
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(1);
}
timings.push(
  `${'services'.padEnd(12)} ${'ok'.padEnd(10)} ${((Date.now() - servicesStarted) / 1000).toFixed(1).padStart(6)} s`,
);

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const failures = [];
if (!process.env.SKIP_CHECKS) {
  if ((await run('prettier', npx, ['prettier', '--check', '.', '--log-level', 'warn'])) !== 0)
    failures.push('prettier');
  if ((await run('eslint', npx, ['eslint', '.'])) !== 0) failures.push('eslint');
  if ((await run('tsc', npx, ['tsc', '--noEmit', '-p', 'tsconfig.json'])) !== 0) failures.push('tsc');
  // The browser client has its own configurations (DOM library, bundler resolution).
  for (const [label, project] of [
    ['tsc web', 'apps/web/tsconfig.json'],
    ['tsc web spec', 'apps/web/tsconfig.spec.json'],
    ['tsc web vite', 'apps/web/tsconfig.node.json'],
  ]) {
    if ((await run(label, npx, ['tsc', '--noEmit', '-p', project])) !== 0) failures.push(label);
  }
}
const jestEnv = {
  ...process.env,
  DATABASE_URL: services.databaseUrl,
  REDIS_URL: services.redisUrl,
  NODE_ENV: 'test',
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
};
// Jest's JSON report gives the closing count line below (CI reads "N passed, N failed").
const ownReport = !jestArgs.some((arg) => arg.startsWith('--json') || arg.startsWith('--outputFile'));
const reportFile = join(tmpdir(), `pasar-gizi-jest-${process.pid}.json`);
const jestCode = await run(
  'jest',
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    ...(ownReport ? ['--json', `--outputFile=${reportFile}`] : []),
    ...jestArgs,
  ],
  jestEnv,
);
if (ownReport) {
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const skipped = report.numPendingTests + report.numTodoTests;
    // A file that could not run (syntax error, failing beforeAll import) counts as one failure.
    const failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
    countLine = `jest: ${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  } catch {
    // jest failed before writing it (a configuration error): its exit code says enough.
  }
  rmSync(reportFile, { force: true });
}
if (failures.length > 0)
  console.log(`\nChecks that failed: ${failures.join(', ')} (jest still ran; see above)`);
await finish(jestCode === 0 && failures.length > 0 ? 1 : jestCode);

/**
 * Once per e2e run: build the template database every e2e file clones (createDatabaseFromTemplate
 * in test-database.ts): migrated, seeded with Kota Blitar and the demo users (TEST_DEMO_PASSWORD).
 *
 * Jest loads global setup/teardown through a CommonJS require hook, outside its module registry:
 * relative `.js` imports of our ESM TypeScript sources do not resolve here. So this file imports
 * only packages, and runs the real work (prepare-template.ts) in a Node process that loads the
 * TypeScript sources as ES modules (ts-register.mjs).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export default async function globalSetup(
  _globalConfig: unknown,
  projectConfig: { rootDir: string },
): Promise<void> {
  const rootDir = projectConfig.rootDir;
  const register = pathToFileURL(join(rootDir, 'test', 'support', 'ts-register.mjs')).href;
  const script = join(rootDir, 'test', 'support', 'prepare-template.ts');
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', register, script], {
      cwd: rootDir,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`e2e template preparation failed (exit ${code}):\n${output}`)),
    );
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    baseUrl: string;
    template: string;
    ms: number;
  };
  // The workers start after this and inherit it: they clone from the same server.
  process.env.DATABASE_URL ||= result.baseUrl;
  // One browser-client build per run, however many browser test files ask (browser.ts).
  process.env.WEB_BUILD_STAMP ||= `${process.pid}-${Date.now()}`;
  console.log(`\n[e2e] template database ${result.template} migrated and seeded in ${result.ms} ms`);
}

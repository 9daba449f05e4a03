import { ConfigError, loadConfig } from '../../../libs/core/src/app-config.js';
import { createWorkerApp } from './worker.app.js';

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Pasar Gizi worker refuses to start. ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  await createWorkerApp(config);
  console.log(
    `Pasar Gizi worker ready (${config.env}, queue prefix ${config.queuePrefix}, boot ${Math.round(performance.now() - started)} ms)`,
  );
}

await main();

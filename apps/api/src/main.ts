import { ConfigError, loadConfig } from '../../../libs/core/src/app-config.js';
import { createApiApp } from './api.app.js';

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Pasar Gizi API refuses to start. ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApiApp(config);
  await app.listen(config.port);
  console.log(
    `Pasar Gizi API ready at http://localhost:${config.port}/graphql (${config.env}, boot ${Math.round(performance.now() - started)} ms)`,
  );
}

await main();

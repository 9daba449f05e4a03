import { ConfigError, loadConfig } from '../../../libs/core/src/app-config.js';
import { exitOnSignals } from '../../../libs/core/src/graceful-shutdown.js';
import { stopRedisReconnects } from '../../../libs/jobs/src/redis-connection.js';
import { createLogger } from '../../../libs/observability/src/logger.js';
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
  const logger = createLogger('api', config.logLevel);
  const app = await createApiApp(config, { logger });
  await app.listen(config.port);
  // In-flight requests finish (server.close), new ones are refused, then the pools close.
  exitOnSignals({
    close: () => app.close(),
    timeoutMs: config.shutdownTimeoutMs,
    beforeClose: stopRedisReconnects,
    log: (level, message) => logger[level](`Pasar Gizi API: ${message}`),
  });
  logger.info(
    `Pasar Gizi API ready at http://localhost:${config.port}/graphql (${config.env}, boot ${Math.round(performance.now() - started)} ms)`,
  );
}

await main();

import { ConfigError, loadConfig } from '../../../libs/core/src/app-config.js';
import { exitOnSignals } from '../../../libs/core/src/graceful-shutdown.js';
import { stopRedisReconnects } from '../../../libs/jobs/src/redis-connection.js';
import { createLogger } from '../../../libs/observability/src/logger.js';
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
  const logger = createLogger('worker', config.logLevel);
  const app = await createWorkerApp(config, { logger });
  exitOnSignals({
    close: () => app.close(),
    timeoutMs: config.shutdownTimeoutMs,
    beforeClose: stopRedisReconnects,
    log: (level, message) => logger[level](`Pasar Gizi worker: ${message}`),
  });
  logger.info(
    `Pasar Gizi worker ready (${config.env}, queue prefix ${config.queuePrefix}, boot ${Math.round(performance.now() - started)} ms)`,
  );
}

await main();

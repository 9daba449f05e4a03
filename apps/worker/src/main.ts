import { ConfigError, loadConfig } from '../../../libs/core/src/app-config.js';
import { exitOnSignals } from '../../../libs/core/src/graceful-shutdown.js';
import { OutboxRelay } from '../../../libs/jobs/src/outbox-relay.js';
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
  const relay = app.get(OutboxRelay);
  exitOnSignals({
    // A worker that could not reach Redis stops without acknowledging anything: say so (exit 1).
    close: async () => {
      const redisAnswering = relay.redisAnswering;
      await app.close();
      if (!redisAnswering) logger.error('Pasar Gizi worker: Redis was not answering when it stopped');
      return redisAnswering;
    },
    timeoutMs: config.shutdownTimeoutMs,
    beforeClose: stopRedisReconnects,
    log: (level, message) => logger[level](`Pasar Gizi worker: ${message}`),
  });
  logger.info(
    `Pasar Gizi worker ready (${config.env}, queue prefix ${config.queuePrefix}, boot ${Math.round(performance.now() - started)} ms)`,
  );
}

await main();

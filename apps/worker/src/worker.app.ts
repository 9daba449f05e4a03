import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { createLogger, PinoNestLogger } from '../../../libs/observability/src/logger.js';
import { WorkerModule } from './worker.module.js';

/**
 * The worker is an application context: BullMQ processors and the outbox relay (plus, when
 * WORKER_METRICS_PORT is set, a bare /metrics listener). main.ts handles signals.
 */
export async function createWorkerApp(
  config: AppConfig,
  options: { logger?: boolean | Logger } = {},
): Promise<INestApplicationContext> {
  const logger =
    typeof options.logger === 'object'
      ? options.logger
      : createLogger('worker', options.logger === false ? 'silent' : config.logLevel);
  return NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
}

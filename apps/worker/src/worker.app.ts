import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { WorkerModule } from './worker.module.js';

/** The worker is an application context: no HTTP, only BullMQ processors and the outbox relay. */
export async function createWorkerApp(
  config: AppConfig,
  options: { logger?: boolean } = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
  });
  app.enableShutdownHooks();
  return app;
}

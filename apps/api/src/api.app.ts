import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { ApiModule } from './api.module.js';
import { GraphQLPassThroughFilter } from './graphql/domain-exception.filter.js';

/** Builds the API application; main.ts listens, tests listen on a random port. */
export async function createApiApp(
  config: AppConfig,
  options: { logger?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
  });
  // Which proxies may name the client address (X-Forwarded-For): login throttling counts per address.
  app.set('trust proxy', config.trustProxy);
  app.useGlobalPipes(new ValidationPipe({ forbidUnknownValues: false, stopAtFirstError: false }));
  app.useGlobalFilters(new GraphQLPassThroughFilter());
  app.enableShutdownHooks();
  return app;
}

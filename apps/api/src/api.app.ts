import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { ApiModule } from './api.module.js';
import { GraphQLPassThroughFilter } from './graphql/domain-exception.filter.js';
import { mountWebClient, webClientDirectory } from './web-client.js';

/** Builds the API application; main.ts listens, tests listen on a random port. */
export async function createApiApp(
  config: AppConfig,
  options: { logger?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(ApiModule.forRoot(config), {
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
  });
  // Before Nest's routes: photo bodies as bytes; the browser app and its client-route fallback.
  mountWebClient(app, webClientDirectory());
  app.useGlobalPipes(new ValidationPipe({ forbidUnknownValues: false, stopAtFirstError: false }));
  app.useGlobalFilters(new GraphQLPassThroughFilter());
  app.enableShutdownHooks();
  return app;
}

import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { createLogger, PinoNestLogger } from '../../../libs/observability/src/logger.js';
import { ApiModule } from './api.module.js';
import { GraphQLPassThroughFilter } from './graphql/domain-exception.filter.js';
import { requestContextMiddleware } from './request-context.middleware.js';
import { mountWebClient, webClientDirectory } from './web-client.js';

/**
 * Builds the API application; main.ts listens (and handles signals), tests listen on a random
 * port. `logger`: a pino logger, or true/false for one at LOG_LEVEL / none (tests).
 */
export async function createApiApp(
  config: AppConfig,
  options: { logger?: boolean | Logger } = {},
): Promise<INestApplication> {
  const logger =
    typeof options.logger === 'object'
      ? options.logger
      : createLogger('api', options.logger === false ? 'silent' : config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
  // Which proxies may name the client address (X-Forwarded-For): login throttling counts per address.
  app.set('trust proxy', config.trustProxy);
  app.use(requestContextMiddleware(logger));
  // Before Nest's routes: photo bodies as bytes; the browser app and its client-route fallback.
  mountWebClient(app, webClientDirectory());
  app.useGlobalPipes(new ValidationPipe({ forbidUnknownValues: false, stopAtFirstError: false }));
  app.useGlobalFilters(new GraphQLPassThroughFilter());
  return app;
}

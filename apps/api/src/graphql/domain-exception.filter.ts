import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every GraphQL exception to Apollo untouched, so the one error formatter decides its
 * code and message, and expected domain errors are not logged as server failures.
 */
@Catch()
export class GraphQLPassThroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): unknown {
    return exception;
  }
}

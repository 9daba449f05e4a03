import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorCode } from '../../../../libs/core/src/domain-error.js';

/** The HTTP status of each domain error code, for every REST endpoint. */
export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

/**
 * The REST endpoints' counterpart of the GraphQL error formatter: a DomainError becomes its HTTP
 * status with the code and both messages; anything else is a 500 without internals.
 */
@Catch()
export class DomainHttpFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // Mid-stream: the status is gone; cut the body so the client sees a broken download.
      response.destroy(exception instanceof Error ? exception : undefined);
      return;
    }
    if (exception instanceof DomainError) {
      const retryAfter = exception.details.retryAfterSeconds;
      if (typeof retryAfter === 'number') response.setHeader('retry-after', String(retryAfter));
      response.status(HTTP_STATUS_OF[exception.code]).json({
        code: exception.code,
        message: exception.messages.en,
        messageId: exception.messages.id,
      });
      return;
    }
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ code: 'HTTP', message: exception.message });
      return;
    }
    response.status(500).json({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Something went wrong',
      messageId: 'Terjadi kesalahan',
    });
  }
}

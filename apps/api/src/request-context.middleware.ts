import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { httpRequests } from '../../../libs/observability/src/metrics.js';
import { requestIdFrom, runWithRequestId } from '../../../libs/observability/src/request-context.js';

/** Bounded route labels for metrics: anything else is "other" (no label per random path). */
const KNOWN_ROUTES = new Set(['/graphql', '/health', '/health/live', '/health/ready', '/metrics']);

/**
 * Gives every HTTP request an id (the caller's X-Request-Id if it is a plain token, else a new
 * one), echoes it, runs the request inside it (logs and outbox rows carry it), and on the way
 * out counts the request and logs one line.
 */
export function requestContextMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      // originalUrl: a mounted handler (Apollo at /graphql) rewrites req.path.
      const path = req.originalUrl.split('?')[0]!;
      const route = KNOWN_ROUTES.has(path) ? path : 'other';
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      if (route === '/health/live' || route === '/metrics') return;
      logger.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    runWithRequestId(requestId, next);
  };
}

import { Logger } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { MAX_QUERY_TOKENS, TOO_MANY_TOKENS } from './query-limits.rule.js';

const logger = new Logger('GraphQLErrors');

const INPUT_VALUE_PATTERNS = [
  /Expected value of type/i,
  /got invalid value/i,
  /of required type/i,
  /Expected type/i,
];

/**
 * The one place that turns failures into GraphQL errors: a stable extensions.code, a message
 * a person can act on in English (message) and Bahasa Indonesia (extensions.messages.id),
 * and never a stack trace or SQL for anything unexpected.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  // A DomainError thrown by a request plugin (outside any resolver) arrives wrapped once more.
  const wrapped = (unwrapped as { originalError?: unknown } | undefined)?.originalError;
  const original = wrapped instanceof DomainError ? wrapped : unwrapped;
  if (original instanceof DomainError || (original as Error | undefined)?.name === 'DomainError') {
    const domain = original as DomainError;
    return {
      message: domain.messages.en,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: domain.code, messages: domain.messages, ...domain.details },
    };
  }
  const httpStatus = httpStatusOf(original);
  if (httpStatus === 400) {
    const message = httpMessageOf(original);
    return {
      message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: 'BAD_USER_INPUT',
        messages: bilingual(message),
      },
    };
  }
  const driverCode = (original as { driverError?: { code?: string } } | undefined)?.driverError?.code;
  const busy = busyReason(original, driverCode);
  if (busy) {
    // Waited too long for a lock, a statement or a free connection: nothing was changed (the
    // transaction rolled back), and the same request (same Idempotency-Key) may be sent again.
    const messages = {
      en: 'The service is busy and could not finish this in time; nothing was changed. Please try again in a moment.',
      id: 'Layanan sedang sibuk dan tidak dapat menyelesaikan ini tepat waktu; tidak ada yang diubah. Silakan coba lagi sebentar lagi.',
    };
    logger.warn(`Request gave up (${busy}): ${(original as Error).message}`);
    return {
      message: messages.en,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, reason: busy, messages },
    };
  }
  if (driverCode === '22P02') {
    // Postgres could not read a value as its type: in practice an id that is not a UUID.
    return {
      message: 'An id in the request is not valid',
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: 'BAD_USER_INPUT',
        messages: { en: 'An id in the request is not valid', id: 'Ada id yang tidak valid dalam permintaan' },
      },
    };
  }
  const code = formatted.extensions?.['code'];
  if (code === 'GRAPHQL_PARSE_FAILED' && TOO_MANY_TOKENS.test(formatted.message)) {
    const messages = {
      en: `The query is too long (more than ${MAX_QUERY_TOKENS} tokens); send smaller requests`,
      id: `Kueri terlalu panjang (lebih dari ${MAX_QUERY_TOKENS} token); kirim permintaan yang lebih kecil`,
    };
    return { message: messages.en, extensions: { code: 'BAD_USER_INPUT', messages } };
  }
  if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT') {
    // A scalar refusing an inline literal, or a validation rule, reports BAD_USER_INPUT; Apollo
    // re-labels it GRAPHQL_VALIDATION_FAILED and keeps ours as the error's originalError.
    const cause = (original as { originalError?: { extensions?: { code?: string } } } | undefined)
      ?.originalError;
    const isValueError =
      code === 'BAD_USER_INPUT' ||
      (original as { extensions?: { code?: string } } | undefined)?.extensions?.code === 'BAD_USER_INPUT' ||
      cause?.extensions?.code === 'BAD_USER_INPUT' ||
      INPUT_VALUE_PATTERNS.some((pattern) => pattern.test(formatted.message));
    if (isValueError) {
      const messages = bilingual(formatted.message);
      return { ...formatted, message: messages.en, extensions: { code: 'BAD_USER_INPUT', messages } };
    }
    return formatted;
  }
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return {
    message: 'Something went wrong on our side; nothing was changed by the failed part. Please try again.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      messages: {
        en: 'Something went wrong on our side; please try again.',
        id: 'Terjadi kesalahan di sistem kami; silakan coba lagi.',
      },
    },
  };
}

/**
 * Postgres 55P03 lock_not_available (lock_timeout), 57014 query_canceled (statement_timeout)
 * and the pool's "timeout exceeded when trying to connect" (connectionTimeoutMillis).
 */
function busyReason(error: unknown, driverCode: string | undefined): string | null {
  const code = driverCode ?? (error as { code?: unknown } | undefined)?.code;
  if (code === '55P03') return 'LOCK_TIMEOUT';
  if (code === '57014') return 'STATEMENT_TIMEOUT';
  const message = error instanceof Error ? error.message : '';
  if (/timeout exceeded when trying to connect/i.test(message)) return 'POOL_TIMEOUT';
  return null;
}

function httpStatusOf(error: unknown): number | null {
  const candidate = error as { getStatus?: () => number } | undefined;
  return typeof candidate?.getStatus === 'function' ? candidate.getStatus() : null;
}

function httpMessageOf(error: unknown): string {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  const message = (response as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return (error as Error).message;
}

/**
 * Messages raised below the services (scalars, validation rules) carry both languages as
 * "English / Indonesia"; split them. Anything else gets a generic Indonesian lead-in.
 */
function bilingual(message: string): { en: string; id: string } {
  const separator = message.lastIndexOf(' / ');
  if (separator > 0) return { en: message.slice(0, separator), id: message.slice(separator + 3) };
  return { en: message, id: `Masukan tidak valid: ${message}` };
}

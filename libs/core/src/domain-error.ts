/**
 * Every expected failure is a DomainError with a stable code and a message in English and
 * Bahasa Indonesia. One place (apps/api error formatting) maps it to GraphQL extensions.code.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  /** Too many attempts (login throttling); details carry retryAfterSeconds. */
  | 'TOO_MANY_REQUESTS';

export interface LocalizedMessage {
  en: string;
  id: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messages: LocalizedMessage,
    readonly details: Record<string, unknown> = {},
  ) {
    super(messages.en);
    this.name = 'DomainError';
  }

  static badInput(en: string, id: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('BAD_USER_INPUT', { en, id }, details);
  }

  static forbidden(
    en = 'You are not allowed to do this',
    id = 'Anda tidak berwenang melakukan ini',
    details?: Record<string, unknown>,
  ): DomainError {
    return new DomainError('FORBIDDEN', { en, id }, details);
  }

  static notFound(what: string, whatId: string, details?: Record<string, unknown>): DomainError {
    return new DomainError(
      'NOT_FOUND',
      { en: `${what} not found`, id: `${whatId} tidak ditemukan` },
      details,
    );
  }

  static conflict(en: string, id: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('CONFLICT', { en, id }, details);
  }

  static tooManyRequests(en: string, id: string, retryAfterSeconds: number): DomainError {
    return new DomainError('TOO_MANY_REQUESTS', { en, id }, { retryAfterSeconds });
  }

  static unauthenticated(): DomainError {
    return new DomainError('UNAUTHENTICATED', {
      en: 'Sign in first: the access token is missing, invalid or expired',
      id: 'Silakan masuk dulu: token akses tidak ada, tidak sah, atau kedaluwarsa',
    });
  }
}

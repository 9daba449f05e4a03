import { DomainError } from './domain-error.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageRequest {
  first: number;
  after: Cursor | null;
}

/** Position of a row in a list sorted by (sortValue, id): opaque to clients (base64url JSON). */
export interface Cursor {
  value: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  totalCount: number;
  cursorOf: (item: T) => string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) {
      return { value: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

export function invalidCursor(): DomainError {
  return DomainError.badInput('after is not a valid cursor', 'after bukan kursor yang valid', {
    field: 'after',
  });
}

export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw DomainError.badInput(
      `first must be between 1 and ${MAX_PAGE_SIZE}`,
      `first harus antara 1 dan ${MAX_PAGE_SIZE}`,
      { field: 'first' },
    );
  }
  return { first: size, after: after ? decodeCursor(after) : null };
}

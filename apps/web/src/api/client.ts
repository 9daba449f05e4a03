import type { Locale } from '../format.js';
import { IndexedDbQueueStore } from '../offline/idb-store.js';
import { MemoryQueueStore, OfflineQueue, type QueuedMutation, type SendOutcome } from '../offline/queue.js';
import type { TypedDocument } from './generated.js';

/**
 * A small fetch-based GraphQL client (no Apollo in the browser: the bundle stays small). It sends
 * the user's language so the API answers errors in it, and an Idempotency-Key with every
 * mutation; a mutation that finds no network waits in the offline queue with that key.
 */
export interface ApiError {
  message: string;
  code?: string;
  field?: string;
  /** Which input of a list the error concerns (e.g. the offer in submitOffers). */
  index?: number;
}

export type MutationOutcome<T> =
  { status: 'done'; data: T } | { status: 'queued' } | { status: 'error'; error: ApiError };

interface GraphQLResponse {
  data?: unknown;
  errors?: {
    message: string;
    extensions?: { code?: string; field?: string; index?: number; messages?: Record<string, string> };
  }[];
}

export class NetworkError extends Error {}

interface ClientState {
  token: string | null;
  locale: Locale;
  onUnauthenticated: () => void;
  onChange: () => void;
}

const state: ClientState = {
  token: null,
  locale: 'id',
  onUnauthenticated: () => undefined,
  onChange: () => undefined,
};

/** The signed-in user's bearer token (downloads and the live socket send it too). */
export function authToken(): string | null {
  return state.token;
}

export function configureClient(partial: Partial<ClientState>): void {
  Object.assign(state, partial);
}

/** The session's token and language, for the live-updates socket (api/live.ts). */
export function currentSession(): { token: string | null; locale: Locale; onUnauthenticated: () => void } {
  return { token: state.token, locale: state.locale, onUnauthenticated: state.onUnauthenticated };
}

function firstError(body: GraphQLResponse, locale: Locale): ApiError {
  const error = body.errors![0];
  const messages = error.extensions?.messages;
  return {
    message: messages?.[locale] ?? error.message,
    code: error.extensions?.code,
    field: error.extensions?.field,
    index: error.extensions?.index,
  };
}

async function post(source: string, variables: unknown, idempotencyKey?: string): Promise<GraphQLResponse> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new NetworkError('offline');
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept-language': state.locale,
        ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify({ query: source, variables }),
    });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  const body = (await response
    .json()
    .catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }))) as GraphQLResponse;
  if (body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && state.token) state.onUnauthenticated();
  return body;
}

export async function query<R, V>(document: TypedDocument<R, V>, variables: V): Promise<R> {
  const body = await post(document.source, variables);
  if (body.errors?.length)
    throw Object.assign(new Error(firstError(body, state.locale).message), firstError(body, state.locale));
  return body.data as R;
}

async function sendQueued(item: QueuedMutation): Promise<SendOutcome> {
  try {
    const body = await post(item.source, item.variables, item.key);
    return body.errors?.length
      ? { kind: 'sent', errorMessage: firstError(body, state.locale).message }
      : { kind: 'sent' };
  } catch (error) {
    if (error instanceof NetworkError) return { kind: 'offline' };
    throw error;
  }
}

export const offlineQueue = new OfflineQueue(
  typeof indexedDB === 'undefined' ? new MemoryQueueStore() : new IndexedDbQueueStore(),
  sendQueued,
);

function newKey(): string {
  return crypto.randomUUID();
}

/** Runs a mutation; with no network it is queued (same key when replayed) and reported as such. */
export async function mutate<R, V>(
  document: TypedDocument<R, V>,
  variables: V,
  options: { queueOffline?: boolean } = {},
): Promise<MutationOutcome<R>> {
  const key = newKey();
  try {
    const body = await post(document.source, variables, key);
    if (body.errors?.length) return { status: 'error', error: firstError(body, state.locale) };
    state.onChange();
    return { status: 'done', data: body.data as R };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    if (options.queueOffline === false) {
      return {
        status: 'error',
        error: { message: state.locale === 'id' ? 'Tidak ada sinyal.' : 'No signal.', code: 'NETWORK' },
      };
    }
    await offlineQueue.enqueue({
      key,
      operation: document.name,
      source: document.source,
      variables: variables as Record<string, unknown>,
      createdAt: Date.now(),
    });
    return { status: 'queued' };
  }
}

/** Sends what waits in the queue; the screens reload when something was sent. */
export async function replayQueue(): Promise<string[]> {
  const report = await offlineQueue.replay();
  if (report.sent + report.failed.length > 0) state.onChange();
  return report.failed.map((failure) => failure.message);
}

/** Uploads a photo; answers the URL to put in photoUrl. */
export async function uploadPhoto(file: Blob): Promise<string> {
  const response = await fetch('/uploads/photos', {
    method: 'POST',
    headers: {
      'content-type': file.type || 'application/octet-stream',
      'accept-language': state.locale,
      ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
    },
    body: file,
  });
  const body = (await response.json()) as {
    url?: string;
    message?: string;
    messages?: Record<string, string>;
  };
  if (!response.ok || !body.url)
    throw new Error(body.messages?.[state.locale] ?? body.message ?? `HTTP ${response.status}`);
  return body.url;
}

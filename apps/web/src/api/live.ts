import type { Client } from 'graphql-ws';
import { currentSession } from './client.js';
import type { TypedDocument } from './generated.js';

/**
 * Live updates for the web client: GraphQL subscriptions over graphql-ws at /graphql, with the
 * session's token and language. One socket for the whole app, opened on the first subscription
 * (graphql-ws is loaded then, so it is not in the first-load bundle) and closed when the last
 * one ends; it reconnects with backoff after a network loss or a server restart, and a new
 * token (sign-in as someone else) opens a new socket. A refused token (4401) signs out.
 *
 *   const stop = subscribe(MarketActivity, { regionCode }, (data) => …, (error) => …);
 *   useEffect(() => subscribe(…), [regionCode]);   // the returned function unsubscribes
 */
export interface LiveError {
  message: string;
  code?: string;
}

let shared: { client: Client; token: string } | null = null;

const CLOSE_UNAUTHORIZED = 4401;

function socketUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

async function socketFor(): Promise<Client> {
  const { token, onUnauthenticated } = currentSession();
  if (!token) throw Object.assign(new Error('Sign in first'), { code: 'UNAUTHENTICATED' });
  if (shared && shared.token !== token) {
    void shared.client.dispose();
    shared = null;
  }
  if (!shared) {
    const { createClient } = await import('graphql-ws');
    const client = createClient({
      url: socketUrl(),
      connectionParams: () => ({ authorization: `Bearer ${token}`, language: currentSession().locale }),
      lazy: true,
      lazyCloseTimeout: 3000,
      retryAttempts: Infinity,
      // A refused token will not get better by retrying; anything else (network, restart) may.
      shouldRetry: (event) => (event as { code?: number } | undefined)?.code !== CLOSE_UNAUTHORIZED,
      on: {
        closed: (event) => {
          if ((event as { code?: number } | undefined)?.code === CLOSE_UNAUTHORIZED) onUnauthenticated();
        },
      },
    });
    shared = { client, token };
  }
  // graphql-ws closes the lazy socket itself once its last subscription ends.
  return shared.client;
}

export function subscribe<R, V>(
  document: TypedDocument<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError: (error: LiveError) => void = () => undefined,
): () => void {
  let stopped = false;
  let stop: () => void = () => undefined;
  void socketFor().then(
    (client) => {
      if (stopped) return;
      const unsubscribe = client.subscribe<R>(
        { query: document.source, variables: variables as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors?.length) onError(toLiveError(result.errors[0]));
            if (result.data) onData(result.data as R);
          },
          error: (error) => onError(toLiveError(Array.isArray(error) ? error[0] : error)),
          complete: () => undefined,
        },
      );
      stop = unsubscribe;
    },
    (error: unknown) => onError(toLiveError(error)),
  );
  return () => {
    stopped = true;
    stop();
  };
}

function toLiveError(error: unknown): LiveError {
  const { locale } = currentSession();
  const candidate = error as {
    message?: string;
    code?: string;
    reason?: string;
    extensions?: { code?: string; messages?: Record<string, string> };
  };
  return {
    message:
      candidate?.extensions?.messages?.[locale] ?? candidate?.message ?? candidate?.reason ?? String(error),
    code: candidate?.extensions?.code ?? candidate?.code,
  };
}

import { createClient, type Client } from 'graphql-ws';
import { useEffect, useRef, useState } from 'react';
import { authToken } from '../api/client.js';

/** What `marketActivity` tells a coordinator's dashboard (the summary is in the user's language). */
export interface MarketEvent {
  at: string;
  kind: string;
  regionCode: string;
  entityType: string;
  entityId: string;
  summary: string;
}

const MARKET_ACTIVITY = `subscription MarketActivity($regionCode: String!) {
  marketActivity(regionCode: $regionCode) { at kind regionCode entityType entityId summary }
}`;

const POLL_MS = 15_000;

function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

/**
 * The region's market activity over graphql-ws; `onChange` runs after each event (the screen
 * refetches). While the socket is down the screen is refreshed every 15 s instead, and only
 * while the tab is visible, so a closed socket never leaves a stale dashboard.
 */
export function useMarketActivity(
  regionCode: string,
  locale: string,
  onChange: () => void,
): { connected: boolean; events: MarketEvent[] } {
  const [connected, setConnected] = useState(false);
  const [events, setEvents] = useState<MarketEvent[]>([]);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    if (!regionCode) return;
    let client: Client | null = null;
    let stop: (() => void) | null = null;
    let refetch: number | undefined;
    try {
      client = createClient({
        url: socketUrl(),
        connectionParams: () => ({ authorization: `Bearer ${authToken() ?? ''}`, language: locale }),
        retryAttempts: Infinity,
        shouldRetry: () => true,
        retryWait: (retries) =>
          new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** retries))),
        on: {
          connected: () => setConnected(true),
          closed: () => setConnected(false),
          error: () => setConnected(false),
        },
      });
      stop = client.subscribe<{ marketActivity: MarketEvent }>(
        { query: MARKET_ACTIVITY, variables: { regionCode } },
        {
          next: (result) => {
            const event = result.data?.marketActivity;
            if (!event) return;
            setEvents((list) => [event, ...list].slice(0, 50));
            // Several events often come together (an award confirms many orders): refetch once.
            window.clearTimeout(refetch);
            refetch = window.setTimeout(() => changed.current(), 300);
          },
          error: () => setConnected(false),
          complete: () => setConnected(false),
        },
      );
    } catch {
      setConnected(false);
    }
    return () => {
      window.clearTimeout(refetch);
      stop?.();
      void client?.dispose();
    };
  }, [regionCode, locale]);

  useEffect(() => {
    if (connected) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') changed.current();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [connected]);

  return { connected, events };
}

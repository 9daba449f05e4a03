/**
 * Live updates travel over Redis pub/sub, so a subscriber on any API replica hears an event
 * published by any process (API or worker). This file is the one place that names the channels
 * and the shape of what is published on them; the publisher (worker or API) and the
 * subscription bridge in the API both use it.
 *
 * Channels carry the deployment's QUEUE_PREFIX: pub/sub ignores Redis database numbers, so two
 * deployments (or two test files) sharing one Redis must not hear each other.
 */
export const liveChannels = {
  /** Everything a coordinator's live dashboard of one region hears (`marketActivity`). */
  market: (prefix: string, regionCode: string) => `${prefix}:live:market:${regionCode}`,
  /** One user's new in-app notifications (`notificationAdded`). */
  user: (prefix: string, userId: string) => `${prefix}:live:user:${userId}`,
};

/** Kinds a market event may have (MarketEvent.kind in the contract is a String; these are ours). */
export type MarketEventKind = 'DEMAND_POSTED' | 'BIDDING_CLOSED' | 'AWARDED' | 'ORDER_STATUS' | 'ALERT';

/** What is published on a market channel. `summary` comes in both languages; the API picks one. */
export interface MarketEventMessage {
  at: string; // ISO instant
  kind: MarketEventKind;
  regionCode: string;
  entityType: string;
  entityId: string;
  summary: { en: string; id: string };
}

/** What is published on a user channel: the stored in-app notification, already in the user's language. */
export interface NotificationMessage {
  id: string;
  kind: string; // NotificationKind
  title: string;
  body: string;
  entityType: string | null;
  entityId: string | null;
  createdAt: string; // ISO instant
  readAt: string | null;
}

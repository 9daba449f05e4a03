/** Queue and job names, and their versioned payloads. Payloads carry ids only. */
export const MARKET_QUEUE = 'market';

export const JOB_CLOSE_BIDDING = 'close-bidding';
export const JOB_EVALUATE_MARKET = 'evaluate-market';
export const JOB_RESOLVE_SHORTFALL = 'resolve-shortfall';
/** Repeatable: deletes old idempotency records and published outbox rows (RetentionService). */
export const JOB_PRUNE_RECORDS = 'prune-records';
export const JOB_ALLOT_SHIPMENT = 'allot-shipment';

/** What every job carries besides its ids: the request that caused it, for the logs. */
export interface JobMetadata {
  requestId?: string;
}

export interface CloseBiddingPayload extends JobMetadata {
  v: 1;
  demandId: string;
}

export interface EvaluateMarketPayload extends JobMetadata {
  v: 1;
  batchId: string;
}

export interface ResolveShortfallPayload extends JobMetadata {
  v: 1;
  shortfallId: string;
}

/** A Trade Center shipment whose pledges close: allot it (a no-op once allotted). */
export interface AllotShipmentPayload {
  v: 1;
  shipmentId: string;
}

/**
 * Notifications have their own queue, so a long award evaluation never holds up a message.
 * A fan-out job is one domain event (kind + subject id); a send job is one delivery row.
 */
export const NOTIFY_QUEUE = 'notify';
export const JOB_FAN_OUT_NOTIFICATION = 'fan-out-notification';
export const JOB_SEND_NOTIFICATION = 'send-notification';

export interface FanOutNotificationPayload extends JobMetadata {
  v: 1;
  /** NotificationKind of the event (an award event fans out as OFFER_AWARDED / OFFER_NOT_AWARDED). */
  kind: string;
  /** The id of what it is about, or `<market code>@<epoch ms>` for a market's close moment. */
  subjectId: string;
}

export interface SendNotificationPayload extends JobMetadata {
  v: 1;
  deliveryId: string;
}

/** Which queue a job name belongs to (everything else is the market's). */
export function queueOfJob(name: string): string {
  return name === JOB_FAN_OUT_NOTIFICATION || name === JOB_SEND_NOTIFICATION ? NOTIFY_QUEUE : MARKET_QUEUE;
}

export interface JobPayloads {
  [JOB_FAN_OUT_NOTIFICATION]: FanOutNotificationPayload;
  [JOB_SEND_NOTIFICATION]: SendNotificationPayload;
  [JOB_ALLOT_SHIPMENT]: AllotShipmentPayload;
  [JOB_RESOLVE_SHORTFALL]: ResolveShortfallPayload;
  [JOB_CLOSE_BIDDING]: CloseBiddingPayload;
  [JOB_EVALUATE_MARKET]: EvaluateMarketPayload;
}

export type JobName = keyof JobPayloads;

/**
 * Deterministic job ids: what the job is about, so a duplicate enqueue collapses into one job.
 * (BullMQ reserves ':' in ids for its own keys, hence the dots.)
 */
export const jobIds = {
  closeBidding: (demandId: string, closesAt: Date) => `close-bidding.${demandId}.${closesAt.getTime()}`,
  evaluateMarket: (batchId: string, lateDemandId?: string) =>
    lateDemandId ? `evaluate-market.${batchId}.${lateDemandId}` : `evaluate-market.${batchId}`,
  resolveShortfall: (shortfallId: string) => `resolve-shortfall.${shortfallId}`,
  /** One scheduler for the whole deployment, however many workers upsert it. */
  pruneRecords: () => 'prune-records',
  allotShipment: (shipmentId: string, closesAt: Date) => `allot-shipment.${shipmentId}.${closesAt.getTime()}`,
  fanOutNotification: (kind: string, subjectId: string) => `notify.${kind}.${subjectId}`,
  sendNotification: (deliveryId: string) => `notify-send.${deliveryId}`,
};

/**
 * The compliance queue runs scheduled checks that no state change causes (so no outbox row):
 * today the certificate expiry check. Its scheduler id is fixed, so every worker that boots
 * upserts the same schedule instead of adding another.
 */
export const COMPLIANCE_QUEUE = 'compliance';
export const JOB_CHECK_CERTIFICATES = 'check-certificates';
export const CERTIFICATE_CHECK_SCHEDULER_ID = 'check-certificates';
export const CERTIFICATE_CHECK_EVERY_MS = 6 * 3600_000;

export interface CheckCertificatesPayload {
  v: 1;
}

export const JOB_ATTEMPTS = 8;
export const JOB_BACKOFF = { type: 'exponential' as const, delay: 500 };

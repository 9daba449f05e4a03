import type { EntityManager } from 'typeorm';
import { enqueueInTransaction } from '../../jobs/src/outbox.js';
import { JOB_FAN_OUT_NOTIFICATION, jobIds } from '../../jobs/src/job-types.js';
import type { NotificationKind } from './notification-kinds.js';

/**
 * How a state change says "people should hear of this": one outbox row, in the caller's
 * transaction, with the event's kind and the id of what it is about. The worker's fan-out
 * works out who hears it and what it says. The job id is the event itself, so recording the
 * same event twice collapses into one job, and its fan-out's unique keys make a re-run inert.
 */
export async function recordNotificationEvent(
  tx: EntityManager,
  kind: NotificationKind,
  subjectId: string,
  runAt?: Date,
): Promise<void> {
  await enqueueInTransaction(tx, {
    name: JOB_FAN_OUT_NOTIFICATION,
    jobId: jobIds.fanOutNotification(kind, subjectId),
    payload: { v: 1, kind, subjectId },
    runAt,
  });
}

/** Records one event per subject (e.g. every order an award confirmed). */
export async function recordNotificationEvents(
  tx: EntityManager,
  kind: NotificationKind,
  subjectIds: readonly string[],
): Promise<void> {
  for (const subjectId of subjectIds) await recordNotificationEvent(tx, kind, subjectId);
}

/** Timing of the market digests; the notify module sets it from the configuration at boot. */
export const digestTiming = {
  /** A new-demand digest waits this long, so the demands posted meanwhile join it. */
  demandDigestDelayMs: 60_000,
  /** "Bidding closes in an hour". */
  closingWarningMs: 3600_000,
};

/** A market's close moment, the subject of its digests: `<market code>@<epoch ms>`. */
export function closeMomentKey(marketCode: string, closesAt: Date): string {
  return `${marketCode}@${closesAt.getTime()}`;
}

export function parseCloseMoment(subjectId: string): { marketCode: string; closesAt: Date } | null {
  const match = /^([0-9.]+)@(\d+)$/.exec(subjectId);
  return match ? { marketCode: match[1]!, closesAt: new Date(Number(match[2])) } : null;
}

/**
 * A demand was posted: one DEMAND_OPENED digest per (market, close moment) — every demand of
 * that moment posted within the digest delay shares one job id, hence one message — and one
 * BIDDING_CLOSING warning an hour before the close (at once if the close is nearer).
 */
export async function recordDemandPosted(
  tx: EntityManager,
  marketCode: string,
  closesAt: Date,
): Promise<void> {
  const subject = closeMomentKey(marketCode, closesAt);
  const now = Date.now();
  await recordNotificationEvent(
    tx,
    'DEMAND_OPENED',
    subject,
    new Date(Math.min(now + digestTiming.demandDigestDelayMs, closesAt.getTime())),
  );
  await recordNotificationEvent(
    tx,
    'BIDDING_CLOSING',
    subject,
    new Date(Math.max(now, closesAt.getTime() - digestTiming.closingWarningMs)),
  );
}

/** Alerts just inserted (`tx.insert(AlertEntity, …)`'s result): each reaches the region's coordinators. */
export async function recordAlertEvents(
  tx: EntityManager,
  inserted: { identifiers: Record<string, unknown>[] },
): Promise<void> {
  await recordNotificationEvents(
    tx,
    'ALERT',
    inserted.identifiers.map((identifier) => identifier['id'] as string),
  );
}

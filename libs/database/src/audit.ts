import type { EntityManager } from 'typeorm';
import { AuditEntryEntity } from './entities/platform.entity.js';

export interface AuditRecord {
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  regionCode: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Appends to the audit trail inside the caller's transaction: the change and its record commit together. */
export async function appendAudit(manager: EntityManager, ...records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await manager.save(
    records.map((record) =>
      Object.assign(new AuditEntryEntity(), {
        actorUserId: record.actorUserId,
        action: record.action,
        entityType: record.entityType,
        entityId: record.entityId,
        regionCode: record.regionCode,
        before: record.before ?? null,
        after: record.after ?? null,
      }),
    ),
    { reload: false },
  );
}

/** TypeORM's query() answers UPDATE/DELETE ... RETURNING with [rows, count]; INSERT/SELECT with rows. */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

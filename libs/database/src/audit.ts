import type { EntityManager } from 'typeorm';

export interface AuditRecord {
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  regionCode: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Appends to the audit trail inside the caller's transaction: the change and its record commit
 * together. One INSERT … FROM unnest(arrays), because an award writes thousands of entries.
 */
export async function appendAudit(manager: EntityManager, ...records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await manager.query(
    `INSERT INTO audit_entry (actor_user_id, action, entity_type, entity_id, region_code, before, after)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::uuid[], $5::varchar[], $6::jsonb[], $7::jsonb[])`,
    [
      records.map((r) => r.actorUserId),
      records.map((r) => r.action),
      records.map((r) => r.entityType),
      records.map((r) => r.entityId),
      records.map((r) => r.regionCode),
      records.map((r) => (r.before ? JSON.stringify(r.before) : null)),
      records.map((r) => (r.after ? JSON.stringify(r.after) : null)),
    ],
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

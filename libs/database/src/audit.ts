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
 * together. One multi-row INSERT per thousand records, because an award writes thousands.
 */
export async function appendAudit(manager: EntityManager, ...records: AuditRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += 1000) {
    const chunk = records.slice(start, start + 1000);
    const values: unknown[] = [];
    const rows = chunk.map((record, index) => {
      values.push(
        record.actorUserId,
        record.action,
        record.entityType,
        record.entityId,
        record.regionCode,
        record.before ? JSON.stringify(record.before) : null,
        record.after ? JSON.stringify(record.after) : null,
      );
      const p = index * 7;
      return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}::uuid, $${p + 5}, $${p + 6}::jsonb, $${p + 7}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO audit_entry (actor_user_id, action, entity_type, entity_id, region_code, before, after) VALUES ${rows.join(', ')}`,
      values,
    );
  }
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

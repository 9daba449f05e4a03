import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { encodeCursor, invalidCursor, type Page, type PageRequest } from '../../core/src/pagination.js';

export interface SortKey {
  /** SQL expression of the sort column, e.g. "lot.created_at". */
  column: string;
  /** SQL expression of the unique tie-breaker, e.g. "lot.id". */
  id: string;
  direction: 'ASC' | 'DESC';
}

/**
 * Relay pagination over (sort column, id): keyset, not offset, so pages stay stable while
 * rows are added. The cursor carries the sort value as Postgres prints it (exact to the
 * microsecond) and the id; one extra row is fetched to know whether a next page exists.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  sort: SortKey,
  page: PageRequest,
): Promise<Page<T>> {
  const totalCount = await query.clone().getCount();
  const ordered = query.clone();
  if (page.after) {
    const comparison = sort.direction === 'DESC' ? '<' : '>';
    ordered.andWhere(`(${sort.column}, ${sort.id}::text) ${comparison} (:cursorValue, :cursorId)`, {
      cursorValue: page.after.value,
      cursorId: page.after.id,
    });
  }
  ordered
    .addSelect(`${sort.column}::text`, 'pg_cursor_value')
    .addSelect(`${sort.id}::text`, 'pg_cursor_id')
    .orderBy(sort.column, sort.direction)
    .addOrderBy(`${sort.id}::text`, sort.direction)
    .limit(page.first + 1);
  const { entities, raw } = await ordered.getRawAndEntities().catch((error: unknown) => {
    // A cursor that decodes but holds no value of the sort column's type (e.g. not a time):
    // Postgres refuses it with a data exception (class 22). That is the client's bad input.
    const code = (error as { driverError?: { code?: string } }).driverError?.code;
    if (page.after && code?.startsWith('22')) throw invalidCursor();
    throw error;
  });
  const cursors = new Map<T, string>();
  entities.forEach((entity, index) => {
    const row = raw[index] as { pg_cursor_value: string; pg_cursor_id: string };
    cursors.set(entity, encodeCursor({ value: row.pg_cursor_value, id: row.pg_cursor_id }));
  });
  const items = entities.slice(0, page.first);
  return {
    items,
    hasNextPage: entities.length > page.first,
    totalCount,
    cursorOf: (item) => cursors.get(item) ?? '',
  };
}

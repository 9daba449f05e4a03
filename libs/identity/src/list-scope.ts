import type { Actor } from './actor.js';

/** The columns of a listed row that say whose it is. */
export interface ScopeColumns {
  /** Regency code of the row, e.g. "po.market_code". */
  market: string;
  /** The kitchen side, where the row has one, e.g. "po.kitchen_id". */
  kitchen?: string;
  /** The cooperative side, e.g. "po.cooperative_id". */
  cooperative?: string;
}

/**
 * One rule for every list of orders, invoices and payables: the admin sees all, a coordinator
 * its region, a kitchen or a cooperative its own rows, anyone else nothing.
 */
export function restrictListToActor(
  query: { where: (sql: string, params?: Record<string, unknown>) => unknown },
  actor: Actor,
  columns: ScopeColumns,
): void {
  if (actor.role === 'ADMIN') {
    query.where('TRUE');
  } else if (actor.role === 'CITY_COORDINATOR' && actor.regionCode) {
    query.where(`(${columns.market} = :scopeRegion OR ${columns.market} LIKE :scopePrefix)`, {
      scopeRegion: actor.regionCode,
      scopePrefix: `${actor.regionCode}.%`,
    });
  } else if (actor.role === 'KITCHEN_MANAGER' && actor.organizationId && columns.kitchen) {
    query.where(`${columns.kitchen} = :scopeOrg`, { scopeOrg: actor.organizationId });
  } else if (actor.role === 'COOPERATIVE_OPERATOR' && actor.organizationId && columns.cooperative) {
    query.where(`${columns.cooperative} = :scopeOrg`, { scopeOrg: actor.organizationId });
  } else {
    query.where('FALSE');
  }
}

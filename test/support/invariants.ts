import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * What holds stock out of a lot: each term is SQL giving (stock_lot_id, quantity) rows, summed
 * per lot. A feature that reserves stock some other way (the Trade Center's allotments) adds
 * its term here, and every race test then checks it too.
 */
export const RESERVATION_TERMS: Record<string, string> = {
  activeOrderLines: `SELECT l.stock_lot_id, l.quantity FROM order_line l JOIN purchase_order o ON o.id = l.order_id
                      WHERE o.status NOT IN ('DECLINED', 'CANCELLED')`,
  // A Trade Center allotment holds what it was allotted less what inspection rejected.
  tradeAllotments: `SELECT stock_lot_id, quantity - coalesce(rejected_quantity, 0) FROM trade_allotment`,
};

/**
 * The quantity and money invariants, checked in SQL (run after every race test):
 * - a lot's reserved quantity is within [0, quantity] and equals the sum of the reservation terms;
 * - a demand line's awarded quantity is within [0, quantity];
 * - an invoice is never paid beyond its total, and no stored amount exceeds 2^53 - 1.
 * Returns one sentence per violation (empty when all hold).
 */
export async function quantityInvariantViolations(
  db: DataSource,
  terms: Record<string, string> = RESERVATION_TERMS,
): Promise<string[]> {
  const reservations = Object.values(terms)
    .map((sql) => `(${sql})`)
    .join(' UNION ALL ');
  const rows: { violation: string }[] = await db.query(
    `WITH held AS (SELECT stock_lot_id, sum(quantity) AS quantity FROM (${reservations}) AS t(stock_lot_id, quantity)
                    GROUP BY stock_lot_id)
     SELECT 'stock lot ' || s.id || ': reserved ' || s.reserved_quantity || ' of ' || s.quantity ||
            ', held by active orders and allotments ' || coalesce(h.quantity, 0) AS violation
       FROM stock_lot s LEFT JOIN held h ON h.stock_lot_id = s.id
      WHERE s.reserved_quantity < 0 OR s.reserved_quantity > s.quantity
         OR s.reserved_quantity <> coalesce(h.quantity, 0)
     UNION ALL
     SELECT 'stock lot ' || h.stock_lot_id || ' is held by orders but does not exist' FROM held h
      WHERE NOT EXISTS (SELECT 1 FROM stock_lot s WHERE s.id = h.stock_lot_id)
     UNION ALL
     SELECT 'demand line ' || id || ': awarded ' || awarded_quantity || ' of ' || quantity FROM demand_line
      WHERE awarded_quantity < 0 OR awarded_quantity > quantity
     UNION ALL
     SELECT 'invoice ' || id || ': paid ' || paid || ' of ' || total FROM invoice
      WHERE paid < 0 OR paid > total OR total > 9007199254740991
     UNION ALL
     SELECT 'purchase order ' || id || ': total ' || total FROM purchase_order
      WHERE total < 0 OR total > 9007199254740991`,
  );
  return rows.map((row) => row.violation);
}

/** For tests: fails with every violation listed. */
export async function expectQuantityInvariants(db: DataSource): Promise<void> {
  expect(await quantityInvariantViolations(db)).toEqual([]);
}

/** The running system's database, for `afterEach(() => expectSystemInvariants(system))`. */
export async function expectSystemInvariants(system: { api: { get<T>(token: unknown): T } }): Promise<void> {
  await expectQuantityInvariants(system.api.get<DataSource>(getDataSourceToken()));
}

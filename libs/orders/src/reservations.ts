import type { EntityManager } from 'typeorm';

/**
 * Frees the stock an order had reserved (declined or cancelled). Summed per lot first: an order
 * may hold two lines from one lot, and UPDATE … FROM applies only one joined row per lot.
 */
export async function releaseOrderReservations(tx: EntityManager, orderId: string): Promise<void> {
  await tx.query(
    `UPDATE stock_lot SET reserved_quantity = stock_lot.reserved_quantity - released.quantity
       FROM (SELECT stock_lot_id, sum(quantity) AS quantity FROM order_line WHERE order_id = $1 GROUP BY stock_lot_id) AS released
      WHERE stock_lot.id = released.stock_lot_id`,
    [orderId],
  );
}

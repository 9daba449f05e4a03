import type { EntityManager } from 'typeorm';
import { OrderLineEntity } from '../../database/src/entities/orders.entity.js';
import type { StockLedgerService } from '../../market/src/stock-ledger.service.js';

/**
 * Frees the stock an order had reserved (declined or cancelled), through the ledger (which sums
 * an order's lines per lot). Returns the order's lines for the caller's next step.
 */
export async function releaseOrderReservations(
  ledger: StockLedgerService,
  tx: EntityManager,
  orderId: string,
): Promise<OrderLineEntity[]> {
  const lines = await tx.find(OrderLineEntity, { where: { orderId }, order: { id: 'ASC' } });
  await ledger.release(
    tx,
    lines.map((line) => ({ stockLotId: line.stockLotId, milli: line.quantity })),
  );
  return lines;
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { milliToDecimalText, type Milli } from '../../core/src/quantity.js';
import { returnedRows } from '../../database/src/audit.js';

export interface LotQuantity {
  stockLotId: string;
  milli: Milli;
}
export interface LineQuantity {
  demandLineId: string;
  milli: Milli;
}

/** Sums quantities per key and sorts by key, so concurrent callers lock rows in one order. */
function summed<T>(items: T[], key: (item: T) => string, milli: (item: T) => Milli): [string, Milli][] {
  const sums = new Map<string, Milli>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + milli(item));
  return [...sums].filter(([, m]) => m !== 0).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The one place where stock is promised and given back, and where awarded quantities move:
 * conditional UPDATEs in the caller's transaction, all or nothing, backed by CHECK constraints.
 */
@Injectable()
export class StockLedgerService {
  /** In the caller's transaction; summed per lot; all or nothing; CONFLICT names a lot lacking stock. */
  async reserve(tx: EntityManager, items: LotQuantity[]): Promise<void> {
    await this.move(
      tx,
      summed(
        items,
        (i) => i.stockLotId,
        (i) => i.milli,
      ),
      `UPDATE stock_lot SET reserved_quantity = reserved_quantity + v.q
         FROM unnest($1::uuid[], $2::numeric[]) AS v(id, q)
        WHERE stock_lot.id = v.id AND stock_lot.returned_at IS NULL
          AND stock_lot.reserved_quantity + v.q <= stock_lot.quantity
        RETURNING stock_lot.id`,
      (lot) =>
        DomainError.conflict(
          `Stock lot ${lot} does not have that much available stock`,
          `Lot stok ${lot} tidak memiliki stok tersedia sebanyak itu`,
          { stockLotId: lot },
        ),
    );
  }

  /** Gives reserved stock back; never below zero (CONFLICT otherwise). */
  async release(tx: EntityManager, items: LotQuantity[]): Promise<void> {
    await this.move(
      tx,
      summed(
        items,
        (i) => i.stockLotId,
        (i) => i.milli,
      ),
      `UPDATE stock_lot SET reserved_quantity = reserved_quantity - v.q
         FROM unnest($1::uuid[], $2::numeric[]) AS v(id, q)
        WHERE stock_lot.id = v.id AND stock_lot.reserved_quantity - v.q >= 0
        RETURNING stock_lot.id`,
      (lot) =>
        DomainError.conflict(
          `Stock lot ${lot} has less reserved than is being released`,
          `Lot stok ${lot} memiliki cadangan lebih kecil dari yang dilepas`,
          { stockLotId: lot },
        ),
    );
  }

  /** demand_line.awarded_quantity += milli; never above the line's quantity (CONFLICT). */
  async award(tx: EntityManager, items: LineQuantity[]): Promise<void> {
    await this.move(
      tx,
      summed(
        items,
        (i) => i.demandLineId,
        (i) => i.milli,
      ),
      `UPDATE demand_line SET awarded_quantity = awarded_quantity + v.q
         FROM unnest($1::uuid[], $2::numeric[]) AS v(id, q)
        WHERE demand_line.id = v.id AND demand_line.awarded_quantity + v.q <= demand_line.quantity
        RETURNING demand_line.id`,
      (line) =>
        DomainError.conflict(
          `Demand line ${line} cannot be awarded more than it asks for`,
          `Baris permintaan ${line} tidak bisa diberikan melebihi jumlah yang diminta`,
          { demandLineId: line },
        ),
    );
  }

  async unaward(tx: EntityManager, items: LineQuantity[]): Promise<void> {
    await this.move(
      tx,
      summed(
        items,
        (i) => i.demandLineId,
        (i) => i.milli,
      ),
      `UPDATE demand_line SET awarded_quantity = awarded_quantity - v.q
         FROM unnest($1::uuid[], $2::numeric[]) AS v(id, q)
        WHERE demand_line.id = v.id AND demand_line.awarded_quantity - v.q >= 0
        RETURNING demand_line.id`,
      (line) =>
        DomainError.conflict(
          `Demand line ${line} has less awarded than is being taken back`,
          `Baris permintaan ${line} memiliki jumlah diberikan lebih kecil dari yang ditarik`,
          { demandLineId: line },
        ),
    );
  }

  private async move(
    tx: EntityManager,
    rows: [string, Milli][],
    sql: string,
    refused: (id: string) => DomainError,
  ): Promise<void> {
    if (rows.length === 0) return;
    if (rows.some(([, milli]) => milli < 0)) throw new RangeError('Ledger quantities must not be negative');
    const moved = returnedRows<{ id: string }>(
      await tx.query(sql, [rows.map(([id]) => id), rows.map(([, milli]) => milliToDecimalText(milli))]),
    );
    if (moved.length !== rows.length) {
      const done = new Set(moved.map((row) => row.id));
      // The statement changed some rows; throwing rolls the caller's transaction back: all or nothing.
      throw refused(rows.find(([id]) => !done.has(id))![0]);
    }
  }
}

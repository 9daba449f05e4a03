import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { milliToDecimalText, milliToNumber, type Milli } from '../../core/src/quantity.js';
import { returnedRows } from '../../database/src/audit.js';

export interface LotQuantity {
  stockLotId: string;
  milli: Milli;
}
export interface LineQuantity {
  demandLineId: string;
  milli: Milli;
}

/**
 * Sums quantities per id and sorts by id (rows are then locked in one order, so two ledger
 * calls never deadlock). Throws on a quantity that is not a positive whole number of milli:
 * a caller bug, never user input.
 */
export function sumPerId(items: readonly { id: string; milli: Milli }[]): { id: string; milli: Milli }[] {
  const sums = new Map<string, Milli>();
  for (const { id, milli } of items) {
    if (!Number.isSafeInteger(milli) || milli <= 0) {
      throw new RangeError(
        `stock ledger: quantity ${milli} for ${id} is not a positive whole number of milli`,
      );
    }
    const sum = (sums.get(id) ?? 0) + milli;
    if (!Number.isSafeInteger(sum)) throw new RangeError(`stock ledger: quantity for ${id} overflows`);
    sums.set(id, sum);
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, milli]) => ({ id, milli }));
}

/** One ledger movement: which column moves, in which direction, and what bounds it. */
interface Movement {
  table: 'stock_lot' | 'demand_line';
  column: 'reserved_quantity' | 'awarded_quantity';
  direction: 1 | -1;
  /** SQL that is true when the moved row stays within its bounds (columns of `cur`, `v.quantity`). */
  fits: string;
}

const RESERVE: Movement = {
  table: 'stock_lot',
  column: 'reserved_quantity',
  direction: 1,
  fits: 'cur.returned_at IS NULL AND cur.reserved_quantity + v.quantity <= cur.quantity',
};
const RELEASE: Movement = {
  table: 'stock_lot',
  column: 'reserved_quantity',
  direction: -1,
  fits: 'cur.reserved_quantity - v.quantity >= 0',
};
const AWARD: Movement = {
  table: 'demand_line',
  column: 'awarded_quantity',
  direction: 1,
  fits: 'cur.awarded_quantity + v.quantity <= cur.quantity',
};
const UNAWARD: Movement = {
  table: 'demand_line',
  column: 'awarded_quantity',
  direction: -1,
  fits: 'cur.awarded_quantity - v.quantity >= 0',
};

/**
 * The stock-and-award ledger: the ONLY code that writes stock_lot.reserved_quantity and
 * demand_line.awarded_quantity (a unit test greps the code base for other writers). Each call
 * is one statement whatever the number of items: it locks the rows (in id order), checks every
 * one of them fits, and moves all of them or none — a failed call leaves nothing half-moved,
 * even inside a transaction the caller goes on using. CHECK constraints back the same bounds.
 */
@Injectable()
export class StockLedgerService {
  /** In the caller's transaction; summed per lot; all or nothing; CONFLICT naming the lot that lacks stock. */
  async reserve(tx: EntityManager, items: LotQuantity[]): Promise<void> {
    await this.move(tx, RESERVE, lots(items));
  }

  /** Gives reserved stock back; never below zero (CONFLICT otherwise). */
  async release(tx: EntityManager, items: LotQuantity[]): Promise<void> {
    await this.move(tx, RELEASE, lots(items));
  }

  /** demand_line.awarded_quantity += milli; never above the line's quantity (CONFLICT). */
  async award(tx: EntityManager, items: LineQuantity[]): Promise<void> {
    await this.move(tx, AWARD, lines(items));
  }

  /** demand_line.awarded_quantity -= milli; never below zero (CONFLICT). */
  async unaward(tx: EntityManager, items: LineQuantity[]): Promise<void> {
    await this.move(tx, UNAWARD, lines(items));
  }

  private async move(
    tx: EntityManager,
    movement: Movement,
    items: { id: string; milli: Milli }[],
  ): Promise<void> {
    const summed = sumPerId(items);
    if (summed.length === 0) return;
    const { table, column, direction, fits } = movement;
    // The CTE locks every row first (FOR UPDATE re-reads the newest committed version), so the
    // "all fit" test and the update see the same figures; the update runs only if all fit.
    const moved = returnedRows<{ id: string }>(
      await tx.query(
        `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::numeric[]) AS v(id, quantity)),
              checked AS (SELECT cur.id, (${fits}) AS fits FROM ${table} cur JOIN v ON v.id = cur.id
                           ORDER BY cur.id FOR UPDATE OF cur)
         UPDATE ${table} SET ${column} = ${table}.${column} ${direction > 0 ? '+' : '-'} v.quantity
           FROM v
          WHERE ${table}.id = v.id
            AND (SELECT count(*) FROM checked WHERE fits) = $3
          RETURNING ${table}.id`,
        [summed.map((s) => s.id), summed.map((s) => milliToDecimalText(s.milli)), summed.length],
      ),
    );
    if (moved.length === summed.length) return;
    throw await this.refusal(tx, movement, summed);
  }

  /** Why a movement did not fit: names the first row that lacks room, in both languages. */
  private async refusal(
    tx: EntityManager,
    movement: Movement,
    summed: { id: string; milli: Milli }[],
  ): Promise<DomainError> {
    const rows = returnedRows<{ id: string; quantity: string; moved: string; returned: boolean }>(
      await tx.query(
        `SELECT id, quantity::text, ${movement.column}::text AS moved,
                ${movement.table === 'stock_lot' ? 'returned_at IS NOT NULL' : 'false'} AS returned
           FROM ${movement.table} WHERE id = ANY($1::uuid[])`,
        [summed.map((s) => s.id)],
      ),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const fits = (id: string, milli: Milli): boolean => {
      const row = byId.get(id);
      if (!row || row.returned) return false;
      const total = Number(row.quantity);
      const current = Number(row.moved);
      const next = current + (movement.direction * milli) / 1000;
      return next >= -1e-9 && next <= total + 1e-9;
    };
    const failing = summed.find((s) => !fits(s.id, s.milli)) ?? summed[0]!;
    const row = byId.get(failing.id);
    const asked = milliToNumber(failing.milli);
    const details = { [movement.table === 'stock_lot' ? 'stockLotId' : 'demandLineId']: failing.id };
    if (movement === RESERVE) {
      const available = row ? Number(row.quantity) - Number(row.moved) : 0;
      return DomainError.conflict(
        row?.returned
          ? `Stock lot ${failing.id} was returned to its consignor; ${asked} cannot be reserved from it`
          : `Stock lot ${failing.id} has ${row ? available : 'no'} available, ${asked} asked`,
        row?.returned
          ? `Lot stok ${failing.id} sudah dikembalikan ke penitip; ${asked} tidak dapat dipesan darinya`
          : `Lot stok ${failing.id} hanya tersedia ${row ? available : 'tidak ada'}, diminta ${asked}`,
        details,
      );
    }
    if (movement === RELEASE) {
      return DomainError.conflict(
        `Stock lot ${failing.id} has only ${row?.moved ?? 0} reserved; ${asked} cannot be released`,
        `Lot stok ${failing.id} hanya dipesan ${row?.moved ?? 0}; ${asked} tidak dapat dilepas`,
        details,
      );
    }
    if (movement === AWARD) {
      return DomainError.conflict(
        `Demand line ${failing.id} would be awarded more than its ${row?.quantity ?? 0} (already ${row?.moved ?? 0}, ${asked} more asked)`,
        `Baris permintaan ${failing.id} akan dianugerahkan melebihi ${row?.quantity ?? 0} (sudah ${row?.moved ?? 0}, diminta ${asked} lagi)`,
        details,
      );
    }
    return DomainError.conflict(
      `Demand line ${failing.id} has only ${row?.moved ?? 0} awarded; ${asked} cannot be taken back`,
      `Baris permintaan ${failing.id} hanya dianugerahkan ${row?.moved ?? 0}; ${asked} tidak dapat ditarik kembali`,
      details,
    );
  }
}

function lots(items: LotQuantity[]): { id: string; milli: Milli }[] {
  return items.map((item) => ({ id: item.stockLotId, milli: item.milli }));
}

function lines(items: LineQuantity[]): { id: string; milli: Milli }[] {
  return items.map((item) => ({ id: item.demandLineId, milli: item.milli }));
}

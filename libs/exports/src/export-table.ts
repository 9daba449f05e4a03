import { milliToDecimalText, type Milli } from '../../core/src/quantity.js';

/**
 * How a column's cells are written. Money is whole rupiah (bigint), quantities are thousandths
 * of the base unit (Milli) written with exactly three decimals, rates are fractions 0..1, dates
 * are ISO `YYYY-MM-DD`, instants ISO 8601 with the region's offset.
 */
export type ColumnKind = 'text' | 'date' | 'instant' | 'money' | 'quantity' | 'rate' | 'integer';

export interface ExportColumn {
  /** The header in Bahasa Indonesia (the README lists the English meaning). */
  header: string;
  kind: ColumnKind;
}

/** text/date/instant: string; money: bigint; quantity: Milli; rate/integer: number; null: empty. */
export type Cell = string | number | bigint | null;

/** Where an export's rows go, one at a time, in order; awaiting a row is the backpressure. */
export interface RowSink {
  row(cells: readonly Cell[]): Promise<void>;
  end(): Promise<void>;
}

/** A validated, authorised export, not yet written: the HTTP headers go out before its rows. */
export interface PreparedExport {
  /** File name without extension, e.g. `pemenuhan-35.72-2026-12-01_2026-12-31`. */
  fileName: string;
  sheetName: string;
  columns: readonly ExportColumn[];
  write(sink: RowSink): Promise<void>;
}

/** The text of a cell in the CSV (and what the xlsx cell reads as). */
export function cellText(kind: ColumnKind, value: Cell): string {
  if (value === null) return '';
  if (kind === 'quantity') return milliToDecimalText(Number(value) as Milli);
  return String(value);
}

/** The value an xlsx cell holds: numbers as numbers (Excel sums them), the rest as text. */
export function cellValue(kind: ColumnKind, value: Cell): string | number | null {
  if (value === null) return null;
  switch (kind) {
    case 'money':
      return Number(value);
    case 'quantity':
      return Number(value) / 1000;
    case 'rate':
    case 'integer':
      return Number(value);
    default:
      return String(value);
  }
}

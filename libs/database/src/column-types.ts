import type { ValueTransformer } from 'typeorm';
import { decimalTextToMilli, milliToDecimalText, type Milli } from '../../core/src/quantity.js';

/** numeric(14,3) <-> integer thousandths: quantities never pass through floating point. */
export const milliTransformer: ValueTransformer = {
  to: (value: Milli | null | undefined) =>
    value === null || value === undefined ? value : milliToDecimalText(value),
  from: (value: string | null) => (value === null ? null : decimalTextToMilli(value)),
};

/** bigint <-> bigint (pg returns int8 as text). */
export const rupiahTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};

export const QUANTITY_COLUMN = {
  type: 'numeric',
  precision: 14,
  scale: 3,
  transformer: milliTransformer,
} as const;
export const RUPIAH_COLUMN = { type: 'bigint', transformer: rupiahTransformer } as const;

import { DomainError } from '../../core/src/domain-error.js';
import { quantityToMilli, type Milli } from '../../core/src/quantity.js';

/** A unit people count in (karung 25 kg, butir, ikat) and how many base units one of it is. */
export interface UnitDefinition {
  code: string;
  /** numeric(14,6) text as Postgres stores it, e.g. "0.062500" for one egg in kg. */
  toBase: string;
}

const MICRO = 1_000_000n;

function toMicro(decimalText: string): bigint {
  const [whole, fraction = ''] = decimalText.split('.');
  return BigInt(whole!) * MICRO + BigInt((fraction + '000000').slice(0, 6));
}

/**
 * Converts a quantity given in one of the commodity's units to thousandths of its base unit,
 * exactly: 160 butir of egg is 10 kg, but 3 butir (0.1875 kg) is refused, because a quantity
 * must be exact to a thousandth of the base unit. No unit (or the base unit) means base units.
 */
export function quantityInBaseMilli(
  quantity: number,
  unitCode: string | null | undefined,
  baseUnit: string,
  units: UnitDefinition[],
  field = 'quantity',
): Milli {
  const milli = quantityToMilli(quantity, field);
  if (!unitCode || unitCode === baseUnit) return milli;
  const unit = units.find((candidate) => candidate.code === unitCode);
  if (!unit) {
    const known = [baseUnit, ...units.map((u) => u.code)].join(', ');
    throw DomainError.badInput(
      `Unknown unit ${unitCode}; use one of ${known}`,
      `Satuan ${unitCode} tidak dikenal; gunakan salah satu dari ${known}`,
      { field: 'unit' },
    );
  }
  const micro = BigInt(milli) * toMicro(unit.toBase);
  if (micro % MICRO !== 0n) {
    throw DomainError.badInput(
      `${quantity} ${unitCode} is not exact to a thousandth of a ${baseUnit}; give the quantity in ${baseUnit}`,
      `${quantity} ${unitCode} tidak tepat sampai seperseribu ${baseUnit}; tuliskan jumlahnya dalam ${baseUnit}`,
      { field },
    );
  }
  const result = micro / MICRO;
  if (result > 100_000_000_000_000n)
    throw DomainError.badInput(`${field} is too large`, `${field} terlalu besar`, { field });
  return Number(result);
}

/**
 * The many-at-once offer form's pure parts: what to prefill for a picked line, and which picked
 * line an API error concerns (the API names the offending input by its index).
 */
export type Grade = 'A' | 'B' | 'C';

export interface LotChoice {
  id: string;
  availableQuantity: number;
  grade: Grade;
}

export interface LineNeed {
  quantity: number;
  minGrade: Grade | null;
}

export interface OfferDraft {
  lotId: string;
  quantity: string;
  unitPrice: string;
}

const GRADE_ORDER: Record<Grade, number> = { A: 0, B: 1, C: 2 };

/** Lots of the line's commodity that could serve it: some stock left and a good enough grade. */
export function usableLots<L extends LotChoice>(lots: L[], line: LineNeed): L[] {
  return lots.filter(
    (lot) =>
      lot.availableQuantity > 0 &&
      (line.minGrade === null || GRADE_ORDER[lot.grade] <= GRADE_ORDER[line.minGrade]),
  );
}

/**
 * The lot that covers the whole line when one does (the smallest such, so big lots stay free for
 * other lines), else the one with most stock; the quantity is the line's, capped by that lot. No
 * price: the operator decides it (the ceiling, when there is one, is shown beside the line).
 */
export function draftFor(lots: LotChoice[], line: LineNeed): OfferDraft | null {
  const candidates = usableLots(lots, line);
  if (candidates.length === 0) return null;
  const covering = candidates
    .filter((lot) => lot.availableQuantity >= line.quantity)
    .sort((a, b) => a.availableQuantity - b.availableQuantity);
  const lot = covering[0] ?? [...candidates].sort((a, b) => b.availableQuantity - a.availableQuantity)[0]!;
  return { lotId: lot.id, quantity: String(Math.min(line.quantity, lot.availableQuantity)), unitPrice: '' };
}

/** The quantity to propose after the operator picks another lot. */
export function quantityForLot(lot: LotChoice | undefined, line: LineNeed): string {
  return String(Math.min(line.quantity, lot?.availableQuantity ?? line.quantity));
}

/**
 * Which input an error concerns, and which of its fields: `extensions.index` when the API gave
 * one, else a field such as `input[1].quantity`.
 */
export function errorTarget(error: { field?: string; index?: number }): {
  index: number | null;
  field: string | null;
} {
  const match = error.field ? /^input\[(\d+)\]\.(\w+)$/.exec(error.field) : null;
  if (match) return { index: Number(match[1]), field: match[2]! };
  return {
    index: typeof error.index === 'number' ? error.index : null,
    field: error.field && error.field !== 'input' ? error.field : null,
  };
}

/** Reads a quantity typed the Indonesian way (comma decimals) or the English way. */
export function parseQuantity(text: string): number {
  return Number(text.trim().replace(',', '.'));
}

/** Reads a rupiah amount typed with or without thousands dots ("13.000", "Rp 13000"). */
export function parseRupiah(text: string): number {
  return Number(text.replace(/\D/g, ''));
}

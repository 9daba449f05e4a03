/**
 * MBG's own eligibility rules, pure: which certificates an offer's producer lacks on the
 * delivery date, and whether a price breaks the legal ceiling (HET). The market service uses
 * the same functions to refuse an offer when it is made and to tell the engine at evaluation,
 * so the two can never disagree.
 */

export interface HeldCertificate {
  kind: string;
  /** Valid through this date inclusive (YYYY-MM-DD). */
  validUntil: string;
  /** Commodities covered; empty = everything the holder produces. */
  commodityCodes: readonly string[];
}

export interface CertificateRequirement {
  commodityCode: string;
  kind: string;
}

/**
 * Kinds the market requires for `commodityCode` that no held certificate covers on `onDate`
 * (a certificate covers the commodity when its list is empty or names it), sorted, unique.
 */
export function missingCertificates(
  requirements: readonly CertificateRequirement[],
  held: readonly HeldCertificate[],
  commodityCode: string,
  onDate: string,
): string[] {
  const needed = new Set(requirements.filter((r) => r.commodityCode === commodityCode).map((r) => r.kind));
  const missing: string[] = [];
  for (const kind of needed) {
    const covered = held.some(
      (c) =>
        c.kind === kind &&
        c.validUntil >= onDate &&
        (c.commodityCodes.length === 0 || c.commodityCodes.includes(commodityCode)),
    );
    if (!covered) missing.push(kind);
  }
  return missing.sort();
}

/** The producer answerable for a lot's goods: the consignor of consigned or BUMN stock, else the cooperative. */
export function producerOf(lot: { cooperativeId: string; consignorId: string | null }): string {
  return lot.consignorId ?? lot.cooperativeId;
}

/** An HET is a legal ceiling: any price above it is refused, whatever the kitchen would pay. */
export function isAboveHet(unitPrice: bigint, hetUnitPrice: bigint | null | undefined): boolean {
  return hetUnitPrice !== null && hetUnitPrice !== undefined && unitPrice > hetUnitPrice;
}

import { DomainError } from '../../core/src/domain-error.js';
import { CERTIFICATE_KINDS, type CertificateKind } from '../../database/src/entities/rules.entity.js';
import type { MarketPolicy, MarketPolicyChange } from './catalog.service.js';

const MAX_CERTIFICATE_RULES = 200;

/**
 * The MBG parts of a market policy change (certificates, the 15-supplier rule, the portion
 * budget, the diversity objective), validated and applied to `next`. A given list of certificate
 * rules replaces the current one.
 */
export async function applyRulesChange(
  change: MarketPolicyChange,
  next: MarketPolicy,
  commoditiesByCodes: (codes: string[]) => Promise<{ code: string }[]>,
): Promise<void> {
  if (change.requiredCertificates) {
    if (change.requiredCertificates.length > MAX_CERTIFICATE_RULES) {
      throw DomainError.badInput(
        `At most ${MAX_CERTIFICATE_RULES} certificate rules`,
        `Paling banyak ${MAX_CERTIFICATE_RULES} aturan sertifikat`,
        { field: 'requiredCertificates' },
      );
    }
    const codes = [...new Set(change.requiredCertificates.map((r) => r.commodityCode))];
    const known = new Set((await commoditiesByCodes(codes)).map((c) => c.code));
    const rules = new Map<string, { commodityCode: string; kind: string }>();
    for (const rule of change.requiredCertificates) {
      if (!known.has(rule.commodityCode)) {
        throw DomainError.badInput(
          `Unknown commodity ${rule.commodityCode}`,
          `Komoditas ${rule.commodityCode} tidak dikenal`,
          {
            field: 'requiredCertificates',
          },
        );
      }
      if (!CERTIFICATE_KINDS.includes(rule.kind as CertificateKind)) {
        throw DomainError.badInput(
          `Unknown certificate kind ${rule.kind}`,
          `Jenis sertifikat ${rule.kind} tidak dikenal`,
          {
            field: 'requiredCertificates',
          },
        );
      }
      rules.set(`${rule.commodityCode}/${rule.kind}`, { commodityCode: rule.commodityCode, kind: rule.kind });
    }
    next.requiredCertificates = [...rules.values()].sort(
      (a, b) => a.commodityCode.localeCompare(b.commodityCode) || a.kind.localeCompare(b.kind),
    );
  }
  if (change.minSuppliersPerKitchen !== undefined && change.minSuppliersPerKitchen !== null) {
    const value = change.minSuppliersPerKitchen;
    if (!Number.isInteger(value) || value < 1 || value > 200) {
      throw DomainError.badInput(
        'minSuppliersPerKitchen must be a whole number from 1 to 200',
        'minSuppliersPerKitchen harus bilangan bulat 1 sampai 200',
        { field: 'minSuppliersPerKitchen' },
      );
    }
    next.minSuppliersPerKitchen = value;
  }
  if (change.budgetPerPortion !== undefined && change.budgetPerPortion !== null) {
    if (change.budgetPerPortion <= 0n) {
      throw DomainError.badInput(
        'budgetPerPortion must be more than zero',
        'budgetPerPortion harus lebih dari nol',
        {
          field: 'budgetPerPortion',
        },
      );
    }
    next.budgetPerPortion = change.budgetPerPortion;
  }
  if (change.diversityTolerance !== undefined && change.diversityTolerance !== null) {
    const value = change.diversityTolerance;
    if (!Number.isFinite(value) || value < 0 || value > 0.2) {
      throw DomainError.badInput(
        'diversityTolerance must be from 0 (off) to 0.2 (20% of the score)',
        'diversityTolerance harus 0 (mati) sampai 0,2 (20% skor)',
        { field: 'diversityTolerance' },
      );
    }
    next.diversityTolerance = value === 0 ? null : value;
  }
}

/**
 * MBG rules for Kota Blitar (issue 9): which commodities need which certificate, and, with the
 * demo data, the certificates the demo organisations hold. Idempotent: a policy row a
 * coordinator already has is left alone, and a certificate (holder, kind, number) is never
 * inserted twice.
 */
import type { EntityManager } from 'typeorm';

export const KOTA_BLITAR = '35.72';

/**
 * Poultry and meat need a veterinary control number (NKV) and halal certification; tofu and
 * tempeh, made by UMKM home industries, need a home-industry food permit (P-IRT); packaged
 * UHT milk a BPOM MD registration.
 */
export const KOTA_BLITAR_CERTIFICATE_RULES: readonly { commodityCode: string; kind: string }[] = [
  { commodityCode: 'BEEF', kind: 'HALAL' },
  { commodityCode: 'BEEF', kind: 'NKV' },
  { commodityCode: 'CHICKEN', kind: 'HALAL' },
  { commodityCode: 'CHICKEN', kind: 'NKV' },
  { commodityCode: 'MILK_UHT', kind: 'BPOM_MD' },
  { commodityCode: 'TEMPEH', kind: 'PIRT' },
  { commodityCode: 'TOFU', kind: 'PIRT' },
];

/** Demo certificates run to the end of 2030 so that the demo never trips the expiry alert. */
const DEMO_VALID_UNTIL = '2030-12-31';

/** What each kind of demo organisation holds; one kitchen has no SLHS so the flag shows. */
function demoCertificatesOf(org: { seed_key: string; kind: string }): { kind: string; codes: string[] }[] {
  if (org.kind === 'COOPERATIVE') {
    return [
      { kind: 'HALAL', codes: [] },
      { kind: 'NKV', codes: ['CHICKEN', 'BEEF', 'EGG'] },
      { kind: 'PIRT', codes: ['TOFU', 'TEMPEH'] },
      { kind: 'BPOM_MD', codes: ['MILK_UHT'] },
    ];
  }
  if (org.kind === 'KITCHEN') return org.seed_key === 'sppg-bendogerit' ? [] : [{ kind: 'SLHS', codes: [] }];
  if (org.seed_key.startsWith('umkm-'))
    return [
      { kind: 'PIRT', codes: [] },
      { kind: 'HALAL', codes: [] },
    ];
  if (org.seed_key.startsWith('bumn-'))
    return [
      { kind: 'BPOM_MD', codes: [] },
      { kind: 'HALAL', codes: [] },
    ];
  if (org.kind === 'CONSIGNOR')
    return [
      { kind: 'NKV', codes: [] },
      { kind: 'HALAL', codes: [] },
    ];
  return [];
}

export async function seedMbgRules(manager: EntityManager): Promise<number> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO market_policy (region_code, required_certificates) VALUES ($1, $2::jsonb)
     ON CONFLICT (region_code) DO NOTHING RETURNING region_code`,
    [KOTA_BLITAR, JSON.stringify(KOTA_BLITAR_CERTIFICATE_RULES)],
  );
  return inserted.length;
}

export async function seedDemoCertificates(
  manager: EntityManager,
  seedKeys: readonly string[],
): Promise<number> {
  const organizations: { id: string; seed_key: string; kind: string; region_code: string }[] =
    await manager.query(
      'SELECT id, seed_key, kind, region_code FROM organization WHERE seed_key = ANY($1::varchar[]) ORDER BY seed_key',
      [seedKeys],
    );
  const rows = organizations.flatMap((org) =>
    demoCertificatesOf(org).map((certificate) => ({
      organizationId: org.id,
      kind: certificate.kind,
      number: `${certificate.kind}/${org.region_code}/${org.seed_key}`.toUpperCase(),
      commodityCodes: `{${certificate.codes.join(',')}}`,
      regionCode: org.region_code,
    })),
  );
  if (rows.length === 0) return 0;
  const inserted: unknown[] = await manager.query(
    `INSERT INTO certificate (organization_id, kind, number, valid_until, commodity_codes, region_code)
     SELECT o, k, n, $4::date, c::varchar[], r
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $5::text[], $6::varchar[]) AS v(o, k, n, c, r)
     ON CONFLICT (organization_id, kind, number) DO NOTHING RETURNING id`,
    [
      rows.map((r) => r.organizationId),
      rows.map((r) => r.kind),
      rows.map((r) => r.number),
      DEMO_VALID_UNTIL,
      rows.map((r) => r.commodityCodes),
      rows.map((r) => r.regionCode),
    ],
  );
  return inserted.length;
}

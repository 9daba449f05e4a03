import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { HeldCertificate } from '../../award/src/eligibility.js';
import { DomainError } from '../../core/src/domain-error.js';
import { marketCodeOf, regionContains } from '../../core/src/region-code.js';
import { addDays, requireLocalDate } from '../../core/src/time.js';
import { appendAudit } from '../../database/src/audit.js';
import { CommodityEntity } from '../../database/src/entities/catalog.entity.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import {
  CERTIFICATE_KINDS,
  CertificateEntity,
  type CertificateKind,
} from '../../database/src/entities/rules.entity.js';
import { coordinates, requireActor, requireOrganization, type Actor } from '../../identity/src/actor.js';
import { recordAlertEvents } from '../../notify/src/notification-events.js';

export interface CertificateInput {
  organizationId: string;
  kind: CertificateKind;
  number: string;
  validUntil: string;
  commodityCodes?: string[] | null;
}

/** A certificate expiring within this many days raises an alert for the coordinators. */
export const CERTIFICATE_WARNING_DAYS = 14;
const ALERT_KIND = 'CERTIFICATE_EXPIRING';

/**
 * Food-safety and halal certificates held by organisations (the catalog owns the table): who may
 * record one, who may read them, what a producer holds on a date, and the expiry warnings.
 */
@Injectable()
export class CertificatesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The organisation itself records its certificates; a cooperative also those of the
   * consignors (UMKM, BUMN) in its market whose goods it sells; a coordinator any in its region.
   */
  async addCertificate(actor: Actor | null, input: CertificateInput): Promise<CertificateEntity> {
    const signedIn = requireActor(actor);
    const holder = await this.dataSource.getRepository(OrganizationEntity).findOneBy({
      id: isUuid(input.organizationId) ? input.organizationId : '00000000-0000-0000-0000-000000000000',
    });
    if (!holder) throw DomainError.notFound('Organisation', 'Organisasi', { id: input.organizationId });
    if (!this.mayRecordFor(signedIn, holder)) {
      throw DomainError.forbidden(
        'You may record certificates only for your own organisation (or, as a cooperative, your consignors)',
        'Anda hanya dapat mencatat sertifikat organisasi Anda sendiri (atau, sebagai koperasi, penitip Anda)',
      );
    }
    if (!CERTIFICATE_KINDS.includes(input.kind)) {
      throw DomainError.badInput(
        `Unknown certificate kind ${input.kind}`,
        `Jenis sertifikat ${input.kind} tidak dikenal`,
        {
          field: 'kind',
        },
      );
    }
    const number = input.number.trim();
    if (number.length < 3 || number.length > 80) {
      throw DomainError.badInput('number must be 3 to 80 characters', 'nomor harus 3 sampai 80 karakter', {
        field: 'number',
      });
    }
    const validUntil = requireLocalDate(input.validUntil, 'validUntil');
    const commodityCodes = [...new Set(input.commodityCodes ?? [])].sort();
    if (commodityCodes.length > 0) {
      const known = await this.dataSource.getRepository(CommodityEntity).findBy({ code: In(commodityCodes) });
      const unknown = commodityCodes.filter((code) => !known.some((c) => c.code === code));
      if (unknown.length > 0) {
        throw DomainError.badInput(
          `Unknown commodity ${unknown.join(', ')}`,
          `Komoditas ${unknown.join(', ')} tidak dikenal`,
          {
            field: 'commodityCodes',
          },
        );
      }
    }
    return this.dataSource.transaction(async (tx) => {
      const existing = await tx.findOneBy(CertificateEntity, {
        organizationId: holder.id,
        kind: input.kind,
        number,
      });
      if (existing) {
        throw DomainError.conflict(
          `${holder.name} already has ${input.kind} certificate ${number}`,
          `${holder.name} sudah memiliki sertifikat ${input.kind} nomor ${number}`,
        );
      }
      const saved = await tx.save(
        tx.create(CertificateEntity, {
          organizationId: holder.id,
          kind: input.kind,
          number,
          validUntil,
          commodityCodes,
          regionCode: holder.regionCode,
        }),
      );
      await appendAudit(tx, {
        actorUserId: signedIn.userId,
        action: 'certificate.added',
        entityType: 'Certificate',
        entityId: saved.id,
        regionCode: holder.regionCode,
        after: { organizationId: holder.id, kind: input.kind, number, validUntil, commodityCodes },
      });
      return saved;
    });
  }

  /** Own organisation's (a cooperative: also its market's consignors'); coordinators: any in their region. */
  async certificates(actor: Actor | null, organizationId: string | null): Promise<CertificateEntity[]> {
    const signedIn = requireActor(actor);
    const repository = this.dataSource.getRepository(CertificateEntity);
    const order = { kind: 'ASC', validUntil: 'ASC', id: 'ASC' } as const;
    if (organizationId === null) {
      if (signedIn.role === 'CITY_COORDINATOR' || signedIn.role === 'ADMIN') {
        const all = await repository.find({ order });
        return all.filter((c) => coordinates(signedIn, c.regionCode));
      }
      return repository.find({ where: { organizationId: requireOrganization(signedIn) }, order });
    }
    const holder = isUuid(organizationId)
      ? await this.dataSource.getRepository(OrganizationEntity).findOneBy({ id: organizationId })
      : null;
    if (!holder) throw DomainError.notFound('Organisation', 'Organisasi', { id: organizationId });
    if (!this.mayRecordFor(signedIn, holder)) {
      throw DomainError.forbidden(
        "Another organisation's certificates are for its coordinators",
        'Sertifikat organisasi lain hanya untuk koordinatornya',
      );
    }
    return repository.find({ where: { organizationId: holder.id }, order });
  }

  async certificatesOfOrganizations(organizationIds: readonly string[]): Promise<CertificateEntity[]> {
    if (organizationIds.length === 0) return [];
    return this.dataSource.getRepository(CertificateEntity).find({
      where: { organizationId: In([...organizationIds]) },
      order: { kind: 'ASC', validUntil: 'ASC', id: 'ASC' },
    });
  }

  /** What each organisation holds, in the caller's transaction, for the eligibility rules. */
  async heldBy(
    tx: EntityManager,
    organizationIds: readonly string[],
  ): Promise<Map<string, HeldCertificate[]>> {
    const held = new Map<string, HeldCertificate[]>(organizationIds.map((id) => [id, []]));
    if (organizationIds.length === 0) return held;
    const rows = await tx.findBy(CertificateEntity, { organizationId: In([...new Set(organizationIds)]) });
    for (const row of rows) {
      held.get(row.organizationId)!.push({
        kind: row.kind,
        validUntil: row.validUntil,
        commodityCodes: row.commodityCodes,
      });
    }
    return held;
  }

  /** Kitchens (by id) holding an SLHS valid on `onDate`. */
  async kitchensWithValidSlhs(kitchenIds: readonly string[], onDate: string): Promise<Set<string>> {
    if (kitchenIds.length === 0) return new Set();
    const rows: { organization_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT organization_id FROM certificate
        WHERE organization_id = ANY($1::uuid[]) AND kind = 'SLHS' AND valid_until >= $2`,
      [kitchenIds, onDate],
    );
    return new Set(rows.map((row) => row.organization_id));
  }

  /**
   * The scheduled expiry check: one alert per certificate that expires within
   * CERTIFICATE_WARNING_DAYS of `today` and has none yet. Idempotent: the NOT EXISTS and the
   * advisory lock make a re-run (or two workers at once) insert nothing twice.
   */
  async raiseExpiryAlerts(today: string): Promise<number> {
    const horizon = addDays(today, CERTIFICATE_WARNING_DAYS);
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [7_245_310_014]);
      const inserted: { id: string }[] = await tx.query(
        `INSERT INTO alert (region_code, kind, entity_id, message_en, message_id)
         SELECT c.region_code, $3::varchar, c.id,
                o.name || ': ' || c.kind || ' certificate ' || c.number || ' expires on ' || c.valid_until::text
                  || '; offers needing it will be invalid for deliveries after that date.',
                o.name || ': sertifikat ' || c.kind || ' nomor ' || c.number || ' berakhir pada ' || c.valid_until::text
                  || '; penawaran yang memerlukannya tidak sah untuk pengiriman setelah tanggal itu.'
           FROM certificate c JOIN organization o ON o.id = c.organization_id
          WHERE c.valid_until >= $1::date AND c.valid_until <= $2::date
            AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.kind = $3::varchar AND a.entity_id = c.id)
         RETURNING id`,
        [today, horizon, ALERT_KIND],
      );
      await recordAlertEvents(tx, { identifiers: inserted });
      return inserted.length;
    });
  }

  private mayRecordFor(actor: Actor, holder: OrganizationEntity): boolean {
    if (coordinates(actor, holder.regionCode)) return true;
    if (actor.organizationId === holder.id) return true;
    return (
      actor.role === 'COOPERATIVE_OPERATOR' &&
      holder.kind === 'CONSIGNOR' &&
      actor.regionCode !== null &&
      regionContains(marketCodeOf(actor.regionCode), holder.regionCode)
    );
  }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { AuditEntryEntity } from '../../database/src/entities/platform.entity.js';
import { AlertEntity } from '../../database/src/entities/settlement.entity.js';
import { coordinates, requireCoordinatorOf, requireRole, type Actor } from '../../identity/src/actor.js';

/** What coordinators read to oversee the market: the audit trail and the alerts. */
@Injectable()
export class OversightService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every recorded change of one entity, oldest first; only for coordinators of its region. */
  async auditTrail(actor: Actor | null, entityId: string): Promise<AuditEntryEntity[]> {
    const coordinator = requireRole(actor, 'CITY_COORDINATOR', 'ADMIN');
    if (!/^[0-9a-f-]{36}$/i.test(entityId)) {
      throw DomainError.badInput('entityId must be an id', 'entityId harus berupa id', { field: 'entityId' });
    }
    const entries = await this.dataSource
      .getRepository(AuditEntryEntity)
      .find({ where: { entityId }, order: { at: 'ASC', id: 'ASC' } });
    if (entries.some((entry) => !coordinates(coordinator, entry.regionCode))) {
      throw DomainError.forbidden('This record belongs to another region', 'Catatan ini milik wilayah lain');
    }
    return entries;
  }

  async alerts(actor: Actor | null, regionCode: string, limit = 100): Promise<AlertEntity[]> {
    requireCoordinatorOf(actor, regionCode);
    return this.dataSource
      .getRepository(AlertEntity)
      .createQueryBuilder('alert')
      .where('(alert.region_code = :region OR alert.region_code LIKE :prefix)', {
        region: regionCode,
        prefix: `${regionCode}.%`,
      })
      .orderBy('alert.created_at', 'DESC')
      .limit(Math.min(Math.max(limit, 1), 200))
      .getMany();
  }
}

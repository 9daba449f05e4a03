import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { QUALITY_GRADES } from '../../core/src/grade.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { marketCodeOf } from '../../core/src/region-code.js';
import { instantToLocalDate, requireLocalDate } from '../../core/src/time.js';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { quantityInBaseMilli } from '../../catalog/src/unit-conversion.js';
import { appendAudit } from '../../database/src/audit.js';
import { CommodityEntity } from '../../database/src/entities/catalog.entity.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import { StockLotEntity } from '../../database/src/entities/market.entity.js';
import { paginate } from '../../database/src/paginate.js';
import { coordinates, requireOrganization, requireRole, type Actor } from '../../identity/src/actor.js';
import { type StockLotInput } from './market.types.js';

const STOCK_SOURCES = ['OWN', 'CONSIGNMENT', 'BUMN'] as const;

/** A cooperative's stock lots: added, listed, and who may see one. */
@Injectable()
export class StockLotService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
  ) {}

  async addStockLot(actor: Actor | null, input: StockLotInput): Promise<StockLotEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const cooperativeId = requireOrganization(operator);
    const cooperative = await this.organization(cooperativeId);
    const commodity = await this.requireCommodity(input.commodityCode);
    const units = (await this.catalog.unitCatalog([commodity.code])).get(commodity.code)!;
    const quantity = quantityInBaseMilli(input.quantity, input.unit, units.baseUnit, units.units);
    if (!QUALITY_GRADES.includes(input.grade)) {
      throw DomainError.badInput('grade must be A, B or C', 'grade harus A, B, atau C', { field: 'grade' });
    }
    if (!STOCK_SOURCES.includes(input.source)) {
      throw DomainError.badInput(
        'source must be OWN, CONSIGNMENT or BUMN',
        'source harus OWN, CONSIGNMENT, atau BUMN',
      );
    }
    let consignorId: string | null = null;
    if (input.source === 'OWN') {
      if (input.consignorId || (input.unitCost !== null && input.unitCost !== undefined)) {
        throw DomainError.badInput(
          'Own stock has no consignor and no unit cost owed',
          'Stok sendiri tidak memiliki penitip dan biaya satuan',
          { field: 'consignorId' },
        );
      }
    } else {
      if (!input.consignorId) {
        throw DomainError.badInput(
          `Stock from ${input.source} must name its consignor`,
          `Stok ${input.source} harus menyebutkan penitipnya`,
          { field: 'consignorId' },
        );
      }
      if (input.unitCost === null || input.unitCost === undefined) {
        throw DomainError.badInput(
          `Stock from ${input.source} needs the unit cost owed to the consignor`,
          `Stok ${input.source} memerlukan biaya satuan yang harus dibayar ke penitip`,
          { field: 'unitCost' },
        );
      }
      const consignor = await this.dataSource
        .getRepository(OrganizationEntity)
        .findOneBy({ id: input.consignorId });
      if (!consignor || consignor.kind !== 'CONSIGNOR') {
        throw DomainError.badInput(
          'consignorId must be a registered consignor (UMKM or BUMN)',
          'consignorId harus penitip terdaftar (UMKM atau BUMN)',
          { field: 'consignorId' },
        );
      }
      consignorId = consignor.id;
    }
    const expiresOn = input.expiresOn ? requireLocalDate(input.expiresOn, 'expiresOn') : null;
    if (expiresOn && expiresOn < instantToLocalDate(new Date())) {
      throw DomainError.badInput('expiresOn is in the past', 'expiresOn sudah lewat', { field: 'expiresOn' });
    }
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.save(
        manager.create(StockLotEntity, {
          cooperativeId,
          commodityCode: commodity.code,
          marketCode: marketCodeOf(cooperative.regionCode),
          quantity,
          reservedQuantity: 0,
          grade: input.grade,
          source: input.source,
          consignorId,
          unitCost: input.unitCost ?? null,
          expiresOn,
        }),
      );
      await appendAudit(manager, {
        actorUserId: operator.userId,
        action: 'stockLot.added',
        entityType: 'StockLot',
        entityId: lot.id,
        regionCode: cooperative.regionCode,
        after: {
          commodityCode: commodity.code,
          quantity: input.quantity,
          grade: input.grade,
          source: input.source,
        },
      });
      return lot;
    });
  }

  async myStockLots(
    actor: Actor | null,
    commodityCode: string | null,
    page: PageRequest,
  ): Promise<Page<StockLotEntity>> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const query = this.dataSource
      .getRepository(StockLotEntity)
      .createQueryBuilder('lot')
      .where('lot.cooperative_id = :cooperativeId', { cooperativeId: requireOrganization(operator) });
    if (commodityCode) query.andWhere('lot.commodity_code = :commodityCode', { commodityCode });
    return paginate(query, { column: 'lot.created_at', id: 'lot.id', direction: 'DESC' }, page);
  }

  async stockLotsByIds(ids: readonly string[]): Promise<StockLotEntity[]> {
    return this.dataSource.getRepository(StockLotEntity).findBy({ id: In([...ids]) });
  }

  /** A lot is private to its cooperative; the kitchen and coordinators see the lots it was ordered from. */
  async canSeeStockLot(actor: Actor, lot: StockLotEntity): Promise<boolean> {
    if (actor.organizationId === lot.cooperativeId || coordinates(actor, lot.marketCode)) return true;
    if (actor.role !== 'KITCHEN_MANAGER' || !actor.organizationId) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE l.stock_lot_id = $1 AND o.kitchen_id = $2 LIMIT 1`,
      [lot.id, actor.organizationId],
    );
    return rows.length > 0;
  }

  private async organization(id: string): Promise<OrganizationEntity> {
    const organization = await this.dataSource.getRepository(OrganizationEntity).findOneBy({ id });
    if (!organization)
      throw DomainError.forbidden('Your organisation no longer exists', 'Organisasi Anda tidak ada lagi');
    return organization;
  }

  private async requireCommodity(code: string): Promise<CommodityEntity> {
    const [commodity] = await this.catalog.commoditiesByCodes([code]);
    if (!commodity) {
      throw DomainError.badInput(`Unknown commodity ${code}`, `Komoditas ${code} tidak dikenal`, {
        field: 'commodityCode',
      });
    }
    return commodity;
  }
}

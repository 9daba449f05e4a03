import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { AwardInput } from '../../award/src/index.js';
import { OfferRulesService } from './offer-rules.service.js';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import type { Milli } from '../../core/src/quantity.js';
import { returnedRows } from '../../database/src/audit.js';
import { CommodityEntity } from '../../database/src/entities/catalog.entity.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import {
  StockLotEntity,
  type DemandLineEntity,
  type DemandRequestEntity,
  type OfferEntity,
  type OfferStatus,
} from '../../database/src/entities/market.entity.js';

/** What the award engine is run on: the demands, their lines and the offers standing on them. */
export interface AwardSource {
  marketCode: string;
  /** In priority order (earlier posted first). */
  demands: DemandRequestEntity[];
  lines: DemandLineEntity[];
  offers: OfferEntity[];
  /** Re-award: what is left to award per line (default: the line's quantity). */
  openMilliByLine?: Map<string, Milli>;
  /** Re-award: what is left of each offer after its earlier awards (default: the offer's quantity). */
  openMilliByOffer?: Map<string, Milli>;
}

export interface BuiltAwardInput {
  input: AwardInput;
  /** The offers still in the state they were loaded in (the others changed meanwhile and are left out). */
  offers: OfferEntity[];
  lots: StockLotEntity[];
}

/**
 * The one builder of the award engine's input, for the first evaluation and the re-award alike
 * (they used to build it twice and diverged). Inside the caller's transaction it:
 * - locks the lots in id order (racing awards sharing a lot take turns);
 * - locks the offering cooperatives FOR SHARE: a suspension that commits first is seen here, one
 *   that comes later waits for this transaction and then flags the orders it made;
 * - re-reads the offers' status after that lock and leaves out any offer no longer in the state it
 *   was loaded in (a suspension turned it INVALID meanwhile).
 */
@Injectable()
export class AwardInputBuilder {
  constructor(
    private readonly catalog: CatalogService,
    private readonly offerRules: OfferRulesService,
  ) {}

  async build(tx: EntityManager, source: AwardSource): Promise<BuiltAwardInput> {
    const lotIds = [...new Set(source.offers.map((o) => o.stockLotId))].sort();
    const lots =
      lotIds.length === 0
        ? []
        : await tx
            .getRepository(StockLotEntity)
            .createQueryBuilder('lot')
            .setLock('pessimistic_write')
            .where('lot.id IN (:...lotIds)', { lotIds })
            .orderBy('lot.id')
            .getMany();
    const cooperativeIds = [...new Set(source.offers.map((o) => o.cooperativeId))].sort();
    const cooperatives =
      cooperativeIds.length === 0
        ? []
        : await tx
            .getRepository(OrganizationEntity)
            .createQueryBuilder('org')
            .setLock('pessimistic_read')
            .where('org.id IN (:...cooperativeIds)', { cooperativeIds })
            .orderBy('org.id')
            .getMany();
    const kitchens = await tx.findBy(OrganizationEntity, {
      id: In([...new Set(source.demands.map((d) => d.kitchenId))]),
    });
    const organizations = new Map([...kitchens, ...cooperatives].map((org) => [org.id, org]));
    const offers = await this.stillStanding(tx, source.offers);
    const reliability = await this.reliabilityOf(tx, cooperativeIds);
    const commodities = new Map(
      (
        await tx.findBy(CommodityEntity, { code: In([...new Set(source.lines.map((l) => l.commodityCode))]) })
      ).map((c) => [c.code, c]),
    );
    const policy = await this.catalog.policyOf(source.marketCode);

    const demandById = new Map(source.demands.map((d) => [d.id, d]));
    const demandOrder = new Map(source.demands.map((d, index) => [d.id, index]));
    const location = (id: string) => {
      const org = organizations.get(id);
      return org && org.latitude !== null && org.longitude !== null
        ? { latitude: org.latitude, longitude: org.longitude }
        : null;
    };
    const input: AwardInput = {
      lines: source.lines.map((line) => {
        const demand = demandById.get(line.demandId)!;
        return {
          id: line.id,
          demandId: line.demandId,
          commodityCode: line.commodityCode,
          quantityMilli: source.openMilliByLine?.get(line.id) ?? line.quantity,
          maxUnitPrice: line.maxUnitPrice,
          minGrade: line.minGrade,
          weights: {
            price: demand.weightPrice,
            quality: demand.weightQuality,
            distance: demand.weightDistance,
            reliability: demand.weightReliability,
          },
          kitchenLocation: location(demand.kitchenId),
          order: demandOrder.get(line.demandId)! * 1000 + line.lineNo,
          baseUnit: commodities.get(line.commodityCode)?.baseUnit ?? 'unit',
          deliveryDate: demand.deliveryDate,
        };
      }),
      offers: offers
        .map((offer) => ({
          id: offer.id,
          lineId: offer.demandLineId,
          cooperativeId: offer.cooperativeId,
          stockLotId: offer.stockLotId,
          quantityMilli: source.openMilliByOffer?.get(offer.id) ?? offer.quantity,
          unitPrice: offer.unitPrice,
          grade: offer.grade,
          submittedAt: offer.createdAt.getTime(),
          cooperativeLocation: location(offer.cooperativeId),
          cooperativeSuspended: organizations.get(offer.cooperativeId)?.suspended ?? false,
          reliability: reliability.get(offer.cooperativeId) ?? { acceptedLines: 0, receivedLines: 0 },
        }))
        .filter((offer) => offer.quantityMilli > 0),
      lots: lots.map((lot) => ({
        id: lot.id,
        commodityCode: lot.commodityCode,
        cooperativeId: lot.cooperativeId,
        availableMilli: lot.returnedAt ? 0 : lot.quantity - lot.reservedQuantity,
        expiresOn: lot.expiresOn,
      })),
      rules: { maxSuppliersPerLine: policy.maxSuppliersPerLine, minAwardMilli: policy.minAwardMilli },
    };
    // MBG rules: HET and certificates on the delivery date, and the diversity objective.
    await this.offerRules.enrich(tx, source.marketCode, input);
    const kept = new Set(input.offers.map((o) => o.id));
    return { input, offers: offers.filter((o) => kept.has(o.id)), lots };
  }

  /** The offers whose status is still the one they were loaded with, read after the locks above. */
  private async stillStanding(tx: EntityManager, offers: OfferEntity[]): Promise<OfferEntity[]> {
    if (offers.length === 0) return [];
    const rows = returnedRows<{ id: string; status: OfferStatus }>(
      await tx.query(`SELECT id, status FROM offer WHERE id = ANY($1::uuid[])`, [offers.map((o) => o.id)]),
    );
    const status = new Map(rows.map((row) => [row.id, row.status]));
    return offers.filter((offer) => status.get(offer.id) === offer.status);
  }

  /**
   * (good receipt lines, inspected receipt lines) per cooperative, for the reliability score:
   * a line is good when nothing was rejected and the order arrived by deliverBy.
   */
  private async reliabilityOf(
    tx: EntityManager,
    cooperativeIds: string[],
  ): Promise<Map<string, { acceptedLines: number; receivedLines: number }>> {
    if (cooperativeIds.length === 0) return new Map();
    const rows: { cooperative_id: string; received: string; accepted: string }[] = await tx.query(
      `SELECT o.cooperative_id, count(*) AS received,
              count(*) FILTER (WHERE coalesce(l.rejected_quantity, 0) = 0 AND NOT coalesce(o.late, false)) AS accepted
         FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE o.cooperative_id = ANY($1::uuid[]) AND l.accepted_quantity IS NOT NULL
        GROUP BY o.cooperative_id`,
      [cooperativeIds],
    );
    return new Map(
      rows.map((row) => [
        row.cooperative_id,
        { acceptedLines: Number(row.accepted), receivedLines: Number(row.received) },
      ]),
    );
  }
}

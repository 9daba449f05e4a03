import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { AwardInput, CertificateGap } from '../../award/src/award.types.js';
import { isAboveHet, missingCertificates, producerOf } from '../../award/src/eligibility.js';
import { CatalogService, type OfferCatalog } from '../../catalog/src/catalog.service.js';
import { CertificatesService } from '../../catalog/src/certificates.service.js';
import { ReferencePricesService } from '../../catalog/src/reference-prices.service.js';
import { DomainError } from '../../core/src/domain-error.js';
import { formatRupiah } from '../../award/src/explanations.js';
import { addDays } from '../../core/src/time.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import { DemandRequestEntity, StockLotEntity } from '../../database/src/entities/market.entity.js';
import { FUNDING_CYCLE_DAYS } from '../../settlement/src/funding-cycle.js';

/** What the MBG rules say about one offer: the HET that applies and what its producer lacks. */
export interface OfferJudgement {
  hetUnitPrice: bigint | null;
  certificateGap: CertificateGap | null;
}

/** What the rules read of a stock lot: whose it is and who produced it. */
export type OfferLot = Pick<StockLotEntity, 'cooperativeId' | 'consignorId' | 'commodityCode'>;

interface OfferToJudge {
  key: string;
  commodityCode: string;
  deliveryDate: string;
  unitPrice: bigint;
  lot: { cooperativeId: string; consignorId: string | null };
}

/**
 * MBG's own rules on offers (issue 9), in one place for both moments they apply: when an offer
 * is made (refused with BAD_USER_INPUT when it can already be known) and when the market is
 * evaluated or re-awarded (the engine marks the offer INVALID and explains why). The rules
 * themselves are the pure functions in libs/award/src/eligibility.ts.
 */
@Injectable()
export class OfferRulesService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly certificates: CertificatesService,
    private readonly referencePrices: ReferencePricesService,
  ) {}

  /**
   * Refuses a batch of offers (all or nothing) when one is above the HET on its delivery date or
   * its producer lacks a required certificate valid on that date; the message names the offer's
   * position, the producer and what is missing.
   */
  async assertOffersEligible(
    tx: EntityManager,
    marketCode: string,
    /** The market's catalog when the caller read it already (policy, HET): no reads for them here. */
    known: Pick<OfferCatalog, 'policy' | 'hetOn'> | null,
    offers: { index: number; deliveryDate: string; stockLot: OfferLot; unitPrice: bigint }[],
    numbered: boolean,
  ): Promise<void> {
    if (offers.length === 0) return;
    // The caller has the demands already (read FOR SHARE): their market and delivery dates.
    const judged = await this.judge(
      tx,
      marketCode,
      offers.map((offer) => ({
        key: String(offer.index),
        commodityCode: offer.stockLot.commodityCode,
        deliveryDate: offer.deliveryDate,
        unitPrice: offer.unitPrice,
        lot: offer.stockLot,
      })),
      known,
    );
    for (const offer of offers) {
      const judgement = judged.get(String(offer.index))!;
      const at = (en: string, id: string) =>
        numbered
          ? { en: `Offer ${offer.index + 1}: ${en}`, id: `Penawaran ${offer.index + 1}: ${id}` }
          : { en, id };
      const gap = judgement.certificateGap;
      if (gap) {
        const kinds = gap.missing.join(', ');
        const message = at(
          `the producer ${gap.producerName} has no valid ${kinds} certificate for ${offer.stockLot.commodityCode} on the delivery date ${gap.onDate}`,
          `produsen ${gap.producerName} tidak memiliki sertifikat ${kinds} yang berlaku untuk ${offer.stockLot.commodityCode} pada tanggal pengiriman ${gap.onDate}`,
        );
        throw new DomainError('BAD_USER_INPUT', message, {
          index: offer.index,
          missingCertificates: gap.missing,
        });
      }
      if (isAboveHet(offer.unitPrice, judgement.hetUnitPrice)) {
        const prices = `(${formatRupiah(offer.unitPrice)} > ${formatRupiah(judgement.hetUnitPrice!)})`;
        const message = at(
          `price above the legal ceiling price (HET) ${prices}`,
          `harga di atas harga eceran tertinggi (HET) ${prices}`,
        );
        throw new DomainError('BAD_USER_INPUT', message, { index: offer.index, field: 'unitPrice' });
      }
    }
  }

  /**
   * Adds to an award or re-award input what the MBG rules need: each offer's HET and certificate
   * gap on the delivery date, each line's kitchen and, when the market turned it on, the diversity
   * objective with the cooperatives that already supplied each kitchen this funding cycle.
   * Returns the same input, changed in place.
   */
  async enrich<T extends AwardInput>(tx: EntityManager, marketCode: string, input: T): Promise<T> {
    const demandIds = [...new Set(input.lines.map((l) => l.demandId))];
    const demands = new Map(
      demandIds.length === 0
        ? []
        : (await tx.findBy(DemandRequestEntity, { id: In(demandIds) })).map((d) => [d.id, d]),
    );
    const lotIds = [...new Set(input.offers.map((o) => o.stockLotId))];
    const lots = new Map(
      lotIds.length === 0 ? [] : (await tx.findBy(StockLotEntity, { id: In(lotIds) })).map((l) => [l.id, l]),
    );
    const lineById = new Map(input.lines.map((l) => [l.id, l]));
    for (const line of input.lines) line.kitchenId = demands.get(line.demandId)?.kitchenId;
    const judged = await this.judge(
      tx,
      marketCode,
      input.offers.flatMap((offer) => {
        const line = lineById.get(offer.lineId);
        const lot = lots.get(offer.stockLotId);
        const demand = line ? demands.get(line.demandId) : undefined;
        if (!line || !lot || !demand) return [];
        return [
          {
            key: offer.id,
            commodityCode: line.commodityCode,
            deliveryDate: demand.deliveryDate,
            unitPrice: offer.unitPrice,
            lot,
          },
        ];
      }),
    );
    for (const offer of input.offers) {
      const judgement = judged.get(offer.id);
      if (!judgement) continue;
      offer.hetUnitPrice = judgement.hetUnitPrice;
      offer.certificateGap = judgement.certificateGap;
    }
    const policy = await this.catalog.policyOf(marketCode);
    if (policy.diversityTolerance !== null && demands.size > 0) {
      input.rules = {
        ...input.rules,
        diversity: {
          tolerance: policy.diversityTolerance,
          suppliedThisCycle: await this.suppliedThisCycle(tx, [...demands.values()]),
        },
      };
    }
    return input;
  }

  private async judge(
    tx: EntityManager,
    marketCode: string,
    offers: readonly OfferToJudge[],
    known: Pick<OfferCatalog, 'policy' | 'hetOn'> | null = null,
  ): Promise<Map<string, OfferJudgement>> {
    const result = new Map<string, OfferJudgement>();
    if (offers.length === 0) return result;
    const policy = known?.policy ?? (await this.catalog.policyOf(marketCode));
    const producerIds = [...new Set(offers.map((o) => producerOf(o.lot)))];
    const needsCertificates = offers.some((o) =>
      policy.requiredCertificates.some((r) => r.commodityCode === o.commodityCode),
    );
    const held = needsCertificates ? await this.certificates.heldBy(tx, producerIds) : new Map();
    const names = needsCertificates
      ? new Map((await tx.findBy(OrganizationEntity, { id: In(producerIds) })).map((o) => [o.id, o.name]))
      : new Map<string, string>();
    const hetByDate = new Map<string, Map<string, bigint>>();
    for (const date of new Set(offers.map((o) => o.deliveryDate))) {
      const codes = offers.filter((o) => o.deliveryDate === date).map((o) => o.commodityCode);
      hetByDate.set(
        date,
        known ? known.hetOn(codes, date) : await this.referencePrices.hetOn(tx, marketCode, codes, date),
      );
    }
    for (const offer of offers) {
      const producerId = producerOf(offer.lot);
      const missing = missingCertificates(
        policy.requiredCertificates,
        held.get(producerId) ?? [],
        offer.commodityCode,
        offer.deliveryDate,
      );
      result.set(offer.key, {
        hetUnitPrice: hetByDate.get(offer.deliveryDate)!.get(offer.commodityCode) ?? null,
        certificateGap:
          missing.length === 0
            ? null
            : { missing, producerName: names.get(producerId) ?? producerId, onDate: offer.deliveryDate },
      });
    }
    return result;
  }

  /**
   * Cooperatives with an order (not declined or cancelled) for each kitchen delivered in the
   * funding cycle up to the delivery date: the FUNDING_CYCLE_DAYS days ending on it.
   */
  private async suppliedThisCycle(
    tx: EntityManager,
    demands: readonly DemandRequestEntity[],
  ): Promise<Record<string, string[]>> {
    const kitchenIds = [...new Set(demands.map((d) => d.kitchenId))];
    const last = demands
      .map((d) => d.deliveryDate)
      .sort()
      .at(-1)!;
    const first = addDays(demands.map((d) => d.deliveryDate).sort()[0]!, -(FUNDING_CYCLE_DAYS - 1));
    const rows: { kitchen_id: string; cooperative_id: string }[] = await tx.query(
      `SELECT DISTINCT kitchen_id, cooperative_id FROM purchase_order
        WHERE kitchen_id = ANY($1::uuid[]) AND delivery_date BETWEEN $2 AND $3
          AND status NOT IN ('DECLINED', 'CANCELLED')`,
      [kitchenIds, first, last],
    );
    const supplied: Record<string, string[]> = Object.fromEntries(kitchenIds.map((id) => [id, []]));
    for (const row of rows) supplied[row.kitchen_id]!.push(row.cooperative_id);
    return supplied;
  }
}

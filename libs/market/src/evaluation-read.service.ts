import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import {
  DemandLineEntity,
  DemandRequestEntity,
  OfferEntity,
  OfferEvaluationEntity,
} from '../../database/src/entities/market.entity.js';
import type { Actor } from '../../identity/src/actor.js';
import { canSeeOffer, canSeeOfferPrice, isEvaluated, seesEveryOffer } from './sealed-bids.js';

/**
 * An offer's evaluation as one viewer may see it. For a cooperative the price score and the
 * total are null: the price score is lowest valid price ÷ own price, so with its own price it
 * would reveal the lowest price on the line (and the total, with the public weights and the
 * other scores, would reveal the price score). It sees its price position instead.
 */
export interface EvaluationView {
  offerId: string;
  demandLineId: string;
  valid: boolean;
  invalidReason: string | null;
  priceScore: number | null;
  qualityScore: number;
  distanceScore: number;
  reliabilityScore: number;
  total: number | null;
  rank: number;
  awardedQuantity: number;
  explanationEn: string;
  explanationId: string;
  /** 1 = cheapest of the line's valid offers (equal prices share); null for an invalid offer. */
  pricePosition: number | null;
  validOfferCount: number;
  /** The unit price of the best-ranked awarded offer on the line: a winning price is public. */
  winningUnitPrice: bigint | null;
}

/** What a viewer may see of one offer. */
export interface OfferVisibility {
  offer: OfferEntity;
  /** Its quantity, lot and status. */
  visible: boolean;
  price: bigint | null;
}

/**
 * Reads stored evaluations and offers under the sealed-bid rules (sealed-bids.ts). Every read
 * of an evaluation or an offer's price for a viewer goes through here, so a field resolver or
 * a loader cannot show more than the rules allow.
 */
@Injectable()
export class EvaluationReadService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Per line id, the evaluations the actor may see: all for its kitchen and coordinators, else its own. */
  async visibleEvaluationsByLineIds(
    actor: Actor,
    lineIds: readonly string[],
  ): Promise<Map<string, EvaluationView[]>> {
    const result = new Map<string, EvaluationView[]>(lineIds.map((id) => [id, []]));
    const lines = await this.dataSource.getRepository(DemandLineEntity).findBy({ id: In([...lineIds]) });
    const demandIds = [...new Set(lines.map((line) => line.demandId))];
    if (demandIds.length === 0) return result;
    const demands = new Map(
      (await this.dataSource.getRepository(DemandRequestEntity).findBy({ id: In(demandIds) })).map((d) => [
        d.id,
        d,
      ]),
    );
    const evaluatedLineIds = lines
      .filter((line) => isEvaluated(demands.get(line.demandId)!))
      .map((l) => l.id);
    if (evaluatedLineIds.length === 0) return result;
    const evaluations = await this.dataSource.getRepository(OfferEvaluationEntity).find({
      where: { demandLineId: In(evaluatedLineIds) },
      order: { valid: 'DESC', rank: 'ASC', offerId: 'ASC' },
    });
    const offers = new Map(
      (
        await this.dataSource
          .getRepository(OfferEntity)
          .findBy({ id: In([...new Set(evaluations.map((e) => e.offerId))]) })
      ).map((offer) => [offer.id, offer]),
    );
    for (const line of lines) {
      const demand = demands.get(line.demandId)!;
      if (!isEvaluated(demand)) continue;
      const ofLine = evaluations.filter((e) => e.demandLineId === line.id);
      const priceOf = (e: OfferEvaluationEntity) => offers.get(e.offerId)!.unitPrice;
      const validPrices = ofLine.filter((e) => e.valid).map(priceOf);
      const winner = ofLine
        .filter((e) => e.valid && e.awardedQuantity > 0)
        .sort((a, b) => a.rank - b.rank)[0];
      const seesAll = seesEveryOffer(actor, demand);
      result.set(
        line.id,
        ofLine
          .filter((e) => seesAll || offers.get(e.offerId)?.cooperativeId === actor.organizationId)
          .map((e) => ({
            offerId: e.offerId,
            demandLineId: e.demandLineId,
            valid: e.valid,
            invalidReason: e.invalidReason,
            priceScore: seesAll ? e.priceScore : null,
            qualityScore: e.qualityScore,
            distanceScore: e.distanceScore,
            reliabilityScore: e.reliabilityScore,
            total: seesAll ? e.total : null,
            rank: e.rank,
            awardedQuantity: e.awardedQuantity,
            explanationEn: e.explanationEn,
            explanationId: e.explanationId,
            pricePosition: e.valid ? 1 + validPrices.filter((price) => price < priceOf(e)).length : null,
            validOfferCount: validPrices.length,
            winningUnitPrice: winner ? priceOf(winner) : null,
          })),
      );
    }
    return result;
  }

  /** Per offer id, what the actor may see of it (missing ids are left out). */
  async offerVisibilityByIds(
    actor: Actor,
    offerIds: readonly string[],
  ): Promise<Map<string, OfferVisibility>> {
    const offers = await this.dataSource.getRepository(OfferEntity).findBy({ id: In([...offerIds]) });
    const demandIds = [...new Set(offers.map((offer) => offer.demandId))];
    const demands = new Map(
      demandIds.length === 0
        ? []
        : (await this.dataSource.getRepository(DemandRequestEntity).findBy({ id: In(demandIds) })).map(
            (d) => [d.id, d],
          ),
    );
    return new Map(
      offers.map((offer) => {
        const demand = demands.get(offer.demandId)!;
        return [
          offer.id,
          {
            offer,
            visible: canSeeOffer(actor, offer, demand),
            price: canSeeOfferPrice(actor, offer, demand) ? offer.unitPrice : null,
          },
        ];
      }),
    );
  }
}

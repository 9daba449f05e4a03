import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { OfferEvaluationEntity } from '../../database/src/entities/market.entity.js';

/** Reads stored evaluations; who may see which is decided by the market service's rules. */
@Injectable()
export class EvaluationReadService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async evaluationsByLineIds(lineIds: readonly string[]): Promise<OfferEvaluationEntity[]> {
    return this.dataSource.getRepository(OfferEvaluationEntity).find({
      where: { demandLineId: In([...lineIds]) },
      order: { valid: 'DESC', rank: 'ASC', offerId: 'ASC' },
    });
  }

  async evaluationsByOfferIds(offerIds: readonly string[]): Promise<OfferEvaluationEntity[]> {
    return this.dataSource.getRepository(OfferEvaluationEntity).findBy({ offerId: In([...offerIds]) });
  }
}

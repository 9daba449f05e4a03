import type { QualityGrade } from '../../core/src/grade.js';
import type { StockSource } from '../../database/src/entities/market.entity.js';
import type { Weights } from '../../catalog/src/weights.js';

export interface StockLotInput {
  commodityCode: string;
  quantity: number;
  grade: QualityGrade;
  source: StockSource;
  consignorId?: string | null;
  unitCost?: bigint | null;
  expiresOn?: string | null;
}

export interface DemandLineInput {
  commodityCode: string;
  quantity: number;
  maxUnitPrice?: bigint | null;
  minGrade?: QualityGrade | null;
}

export interface PostDemandInput {
  deliveryDate: string;
  biddingClosesAt: Date;
  deliverBy?: Date | null;
  lines: DemandLineInput[];
  weights?: Weights | null;
  note?: string | null;
}

export interface OfferInput {
  demandLineId: string;
  stockLotId: string;
  quantity: number;
  unitPrice: bigint;
}

export const MAX_DEMAND_LINES = 100;
export const MAX_OFFERS_PER_CALL = 200;
export const MAX_NOTE_LENGTH = 2000;

import type { QualityGrade } from '../../core/src/grade.js';
import type { StockSource } from '../../database/src/entities/market.entity.js';
import type { Weights } from '../../catalog/src/weights.js';

export interface StockLotInput {
  commodityCode: string;
  quantity: number;
  /** A unit of the commodity (karung-25, butir, …); absent: the base unit. */
  unit?: string | null;
  grade: QualityGrade;
  source: StockSource;
  consignorId?: string | null;
  unitCost?: bigint | null;
  expiresOn?: string | null;
}

export interface DemandLineInput {
  commodityCode: string;
  quantity: number;
  unit?: string | null;
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
  unit?: string | null;
  unitPrice: bigint;
}

export const MAX_DEMAND_LINES = 100;
export const MAX_OFFERS_PER_CALL = 200;
export const MAX_NOTE_LENGTH = 2000;

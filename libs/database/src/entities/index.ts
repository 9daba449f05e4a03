import {
  CommodityEntity,
  CommodityUnitEntity,
  MarketPolicyEntity,
  ReferencePriceEntity,
} from './catalog.entity.js';
import { PhotoEntity } from './files.entity.js';
import { OrganizationEntity, RegionEntity, UserEntity } from './identity.entity.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  MarketBatchEntity,
  OfferEntity,
  OfferEvaluationEntity,
  StockLotEntity,
} from './market.entity.js';
import { OrderLineEntity, OrderNumberCounterEntity, PurchaseOrderEntity } from './orders.entity.js';
import { AuditEntryEntity, IdempotencyRecordEntity, OutboxMessageEntity } from './platform.entity.js';
import {
  AlertEntity,
  ConsignmentPayableEntity,
  InvoiceEntity,
  PaymentEntity,
  ShortfallEntity,
} from './settlement.entity.js';

export * from './catalog.entity.js';
export * from './files.entity.js';
export * from './identity.entity.js';
export * from './market.entity.js';
export * from './orders.entity.js';
export * from './platform.entity.js';
export * from './settlement.entity.js';

export const ALL_ENTITIES = [
  RegionEntity,
  OrganizationEntity,
  UserEntity,
  CommodityEntity,
  CommodityUnitEntity,
  ReferencePriceEntity,
  MarketPolicyEntity,
  StockLotEntity,
  DemandRequestEntity,
  DemandLineEntity,
  OfferEntity,
  MarketBatchEntity,
  OfferEvaluationEntity,
  PurchaseOrderEntity,
  OrderLineEntity,
  OrderNumberCounterEntity,
  OutboxMessageEntity,
  IdempotencyRecordEntity,
  AuditEntryEntity,
  InvoiceEntity,
  PaymentEntity,
  ConsignmentPayableEntity,
  ShortfallEntity,
  AlertEntity,
  PhotoEntity,
];

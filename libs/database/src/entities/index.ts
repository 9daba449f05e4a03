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
import {
  NotificationDeliveryEntity,
  NotificationEntity,
  NotificationPreferenceEntity,
} from './notify.entity.js';
import { AuditEntryEntity, IdempotencyRecordEntity, OutboxMessageEntity } from './platform.entity.js';
import { CertificateEntity, DemandTemplateEntity, PortionRecordEntity } from './rules.entity.js';
import {
  AlertEntity,
  ConsignmentPayableEntity,
  InvoiceEntity,
  PaymentEntity,
  ShortfallEntity,
} from './settlement.entity.js';
import {
  TradeAllotmentEntity,
  TradeContractEntity,
  TradeLevyEntryEntity,
  TradePledgeEntity,
  TradeShipmentEntity,
} from './trade.entity.js';
import { WebhookEntity } from './webhook.entity.js';

export * from './catalog.entity.js';
export * from './files.entity.js';
export * from './identity.entity.js';
export * from './market.entity.js';
export * from './notify.entity.js';
export * from './orders.entity.js';
export * from './platform.entity.js';
export * from './rules.entity.js';
export * from './settlement.entity.js';
export * from './trade.entity.js';
export * from './webhook.entity.js';

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
  TradeContractEntity,
  TradeShipmentEntity,
  TradePledgeEntity,
  TradeAllotmentEntity,
  TradeLevyEntryEntity,
  CertificateEntity,
  PortionRecordEntity,
  DemandTemplateEntity,
  PhotoEntity,
  WebhookEntity,
  NotificationEntity,
  NotificationDeliveryEntity,
  NotificationPreferenceEntity,
];

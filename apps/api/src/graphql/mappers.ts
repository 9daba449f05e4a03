import type { EvaluationView } from '../../../../libs/market/src/evaluation-read.service.js';
import { milliToNumber } from '../../../../libs/core/src/quantity.js';
import type {
  AlertEntity,
  AuditEntryEntity,
  ConsignmentPayableEntity,
  InvoiceEntity,
  CommodityEntity,
  DemandLineEntity,
  DemandRequestEntity,
  OfferEntity,
  OrderLineEntity,
  OrganizationEntity,
  PurchaseOrderEntity,
  ReferencePriceEntity,
  StockLotEntity,
  UserEntity,
} from '../../../../libs/database/src/entities/index.js';
import type { FulfilmentFigures } from '../../../../libs/monitoring/src/fulfilment.service.js';
import type { MarketPolicy } from '../../../../libs/catalog/src/catalog.service.js';
import type { AlertType, AuditEntryType, ConsignmentPayableType, InvoiceType } from './settlement.types.js';
import {
  InvoiceStatus,
  PayableStatus,
  DemandStatus,
  OfferStatus,
  OrderStatus,
  OrganizationKind,
  QualityGrade,
  Role,
  StockSource,
} from './enums.js';
import type {
  AwardType,
  CommodityType,
  DemandLineType,
  DemandRequestType,
  FulfilmentReportType,
  MarketPolicyType,
  OfferEvaluationType,
  OfferType,
  OrderLineType,
  OrganizationType,
  PurchaseOrderType,
  ReferencePriceType,
  StockLotType,
  UserType,
} from './types.js';
import { CertificateKind, ReferencePriceKind } from './rules.types.js';

// Entity -> GraphQL shape. Quantities leave as numbers of base units (thousandths exact).

export const toOrganization = (org: OrganizationEntity): OrganizationType => ({
  id: org.id,
  name: org.name,
  kind: org.kind as OrganizationKind,
  regionCode: org.regionCode,
  latitude: org.latitude,
  longitude: org.longitude,
  suspended: org.suspended,
});

export const toUser = (user: UserEntity): UserType => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role as Role,
  active: user.deactivatedAt === null,
  organizationId: user.organizationId,
});

export const toCommodity = (commodity: CommodityEntity): CommodityType => ({ ...commodity });

export const toReferencePrice = (price: ReferencePriceEntity): ReferencePriceType => ({
  unitPrice: price.unitPrice,
  regionCode: price.regionCode,
  validFrom: price.validFrom,
  source: price.source,
  kind: price.kind as ReferencePriceKind,
  commodityCode: price.commodityCode,
});

export const toStockLot = (lot: StockLotEntity): StockLotType => ({
  id: lot.id,
  quantity: milliToNumber(lot.quantity),
  availableQuantity: milliToNumber(lot.quantity - lot.reservedQuantity),
  grade: lot.grade as QualityGrade,
  source: lot.source as StockSource,
  unitCost: lot.unitCost,
  expiresOn: lot.expiresOn,
  returnedAt: lot.returnedAt,
  cooperativeId: lot.cooperativeId,
  commodityCode: lot.commodityCode,
  consignorId: lot.consignorId,
  marketCode: lot.marketCode,
});

export const toDemand = (demand: DemandRequestEntity): DemandRequestType => ({
  id: demand.id,
  status: demand.status as DemandStatus,
  deliveryDate: demand.deliveryDate,
  biddingClosesAt: demand.biddingClosesAt,
  deliverBy: demand.deliverBy,
  weights: {
    price: demand.weightPrice,
    quality: demand.weightQuality,
    distance: demand.weightDistance,
    reliability: demand.weightReliability,
  },
  note: demand.note,
  kitchenId: demand.kitchenId,
  marketCode: demand.marketCode,
  replacesId: demand.replacesId,
});

export const toDemandLine = (line: DemandLineEntity): DemandLineType => ({
  id: line.id,
  quantity: milliToNumber(line.quantity),
  maxUnitPrice: line.maxUnitPrice,
  minGrade: line.minGrade as QualityGrade | null,
  awardedQuantity: milliToNumber(line.awardedQuantity),
  demandId: line.demandId,
  commodityCode: line.commodityCode,
});

export const toOffer = (offer: OfferEntity): OfferType => ({
  id: offer.id,
  quantity: milliToNumber(offer.quantity),
  grade: offer.grade as QualityGrade,
  status: offer.status as OfferStatus,
  demandLineId: offer.demandLineId,
  demandId: offer.demandId,
  cooperativeId: offer.cooperativeId,
  stockLotId: offer.stockLotId,
  unitPriceValue: offer.unitPrice,
  submittedAt: offer.createdAt,
});

export const toEvaluation = (evaluation: EvaluationView, locale: 'en' | 'id'): OfferEvaluationType => ({
  valid: evaluation.valid,
  invalidReason: evaluation.invalidReason,
  priceScore: evaluation.priceScore,
  qualityScore: evaluation.qualityScore,
  distanceScore: evaluation.distanceScore,
  reliabilityScore: evaluation.reliabilityScore,
  total: evaluation.total,
  pricePosition: evaluation.pricePosition,
  validOfferCount: evaluation.validOfferCount,
  winningUnitPrice: evaluation.winningUnitPrice,
  rank: evaluation.rank,
  awardedQuantity: milliToNumber(evaluation.awardedQuantity),
  explanation: locale === 'id' ? evaluation.explanationId : evaluation.explanationEn,
  explanationId: evaluation.explanationId,
  offerId: evaluation.offerId,
  demandLineId: evaluation.demandLineId,
});

export const toAward = (line: OrderLineEntity): AwardType => ({
  id: line.id,
  quantity: milliToNumber(line.quantity),
  unitPrice: line.unitPrice,
  offerId: line.offerId,
  orderId: line.orderId,
});

export const toOrder = (order: PurchaseOrderEntity): PurchaseOrderType => ({
  id: order.id,
  number: order.number,
  status: order.status as OrderStatus,
  deliveryDate: order.deliveryDate,
  total: order.total,
  dispatchedAt: order.dispatchedAt,
  receivedAt: order.receivedAt,
  deliverBy: order.deliverBy,
  late: order.late,
  declineReason: order.declineReason,
  attentionReason: order.attentionReason,
  inspectorName: order.inspectorName,
  temperatureCelsius: order.temperatureCelsius,
  photoUrl: order.photoUrl,
  inspectionNotes: order.inspectionNotes,
  kitchenId: order.kitchenId,
  cooperativeId: order.cooperativeId,
  demandId: order.demandId,
});

export const toOrderLine = (line: OrderLineEntity): OrderLineType => ({
  id: line.id,
  quantity: milliToNumber(line.quantity),
  unitPrice: line.unitPrice,
  acceptedQuantity: line.acceptedQuantity === null ? null : milliToNumber(line.acceptedQuantity),
  rejectedQuantity: line.rejectedQuantity === null ? null : milliToNumber(line.rejectedQuantity),
  rejectionReason: line.rejectionReason,
  commodityCode: line.commodityCode,
  stockLotId: line.stockLotId,
  orderId: line.orderId,
});

export const toFulfilmentReport = (figures: FulfilmentFigures): FulfilmentReportType => ({
  regionCode: figures.regionCode,
  from: figures.from,
  to: figures.to,
  demandedQuantity: milliToNumber(figures.demandedMilli),
  awardedQuantity: milliToNumber(figures.awardedMilli),
  receivedQuantity: milliToNumber(figures.receivedMilli),
  fillRate: figures.fillRate,
  onTimeRate: figures.onTimeRate,
  rejectionRate: figures.rejectionRate,
  spend: figures.spend,
  spendAtReference: figures.spendAtReference,
  byCommodity: figures.byCommodity.map((c) => ({
    demandedQuantity: milliToNumber(c.demandedMilli),
    awardedQuantity: milliToNumber(c.awardedMilli),
    receivedQuantity: milliToNumber(c.receivedMilli),
    averageUnitPrice: c.averageUnitPrice,
    referenceUnitPrice: c.referenceUnitPrice,
    spend: c.spend,
    commodityCode: c.commodityCode,
  })),
  byCooperative: figures.byCooperative.map((c) => ({
    awardedQuantity: milliToNumber(c.awardedMilli),
    receivedQuantity: milliToNumber(c.receivedMilli),
    rejectionRate: c.inspectedMilli > 0 ? c.rejectedMilli / c.inspectedMilli : 0,
    revenue: c.revenue,
    cooperativeId: c.cooperativeId,
  })),
});

export const toMarketPolicy = (policy: MarketPolicy): MarketPolicyType => ({
  regionCode: policy.regionCode,
  maxSuppliersPerLine: policy.maxSuppliersPerLine,
  defaultWeights: policy.defaultWeights,
  minAwardQuantities: Object.entries(policy.minAwardMilli)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([commodityCode, milli]) => ({ commodityCode, quantity: milliToNumber(milli) })),
  requiredCertificates: policy.requiredCertificates.map((rule) => ({
    commodityCode: rule.commodityCode,
    kind: rule.kind as CertificateKind,
  })),
  minSuppliersPerKitchen: policy.minSuppliersPerKitchen,
  budgetPerPortion: policy.budgetPerPortion,
  diversityTolerance: policy.diversityTolerance,
});

export const toInvoice = (invoice: InvoiceEntity): InvoiceType => ({
  id: invoice.id,
  number: invoice.number,
  total: invoice.total,
  paid: invoice.paid,
  status: invoice.status as InvoiceStatus,
  issuedAt: invoice.issuedAt,
  orderId: invoice.orderId,
  cooperativeId: invoice.cooperativeId,
  kitchenId: invoice.kitchenId,
});

export const toPayable = (payable: ConsignmentPayableEntity): ConsignmentPayableType => ({
  id: payable.id,
  quantity: milliToNumber(payable.quantity),
  amount: payable.amount,
  status: payable.status as PayableStatus,
  paidAt: payable.paidAt,
  settlementReference: payable.settlementReference,
  consignorId: payable.consignorId,
  cooperativeId: payable.cooperativeId,
  stockLotId: payable.stockLotId,
  orderLineId: payable.orderLineId!, // the list holds only MBG-sale payables (see SettlementService.consignmentPayables)
});

export const toAuditEntry = (entry: AuditEntryEntity): AuditEntryType => ({
  at: entry.at,
  action: entry.action,
  entityType: entry.entityType,
  entityId: entry.entityId,
  before: entry.before ? JSON.stringify(entry.before) : null,
  after: entry.after ? JSON.stringify(entry.after) : null,
  actorUserId: entry.actorUserId,
});

export const toAlert = (alert: AlertEntity, locale: 'en' | 'id'): AlertType => ({
  id: alert.id,
  kind: alert.kind,
  regionCode: alert.regionCode,
  entityId: alert.entityId,
  message: locale === 'id' ? alert.messageId : alert.messageEn,
  messageId: alert.messageId,
  createdAt: alert.createdAt,
});

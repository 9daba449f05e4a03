import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar, LocalDateScalar, RupiahScalar } from './scalars.js';
import {
  DemandStatus,
  OfferStatus,
  OrderStatus,
  OrganizationKind,
  QualityGrade,
  Role,
  StockSource,
} from './enums.js';
import { CertificateRuleType, ReferencePriceKind } from './rules.types.js';

// GraphQL shapes of the public contract. They are not the TypeORM entities: properties
// without @Field carry the ids that field resolvers load through per-request DataLoaders.

@ObjectType('Organization')
export class OrganizationType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => OrganizationKind) kind: OrganizationKind;
  @Field() regionCode: string;
  @Field(() => Float, { nullable: true }) latitude: number | null;
  @Field(() => Float, { nullable: true }) longitude: number | null;
  @Field() suspended: boolean;
}

@ObjectType('User')
export class UserType {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() name: string;
  @Field(() => Role) role: Role;
  @Field({ description: 'False while the account is deactivated (no login, no token accepted)' })
  active: boolean;
  organizationId: string | null;
}

@ObjectType('AuthPayload')
export class AuthPayloadType {
  @Field() accessToken: string;
  @Field(() => UserType) user: UserType;
}

@ObjectType('Commodity')
export class CommodityType {
  @Field() code: string;
  @Field() name: string;
  @Field() nameId: string;
  @Field() category: string;
  @Field() baseUnit: string;
}

@ObjectType('CommodityUnit', { description: 'A unit people count in, and how many base units one of it is' })
export class CommodityUnitType {
  @Field() code: string;
  @Field() label: string;
  @Field(() => Float) toBase: number;
}

@ObjectType('ReferencePrice')
export class ReferencePriceType {
  @Field(() => RupiahScalar) unitPrice: bigint;
  @Field() regionCode: string;
  @Field(() => LocalDateScalar) validFrom: string;
  @Field() source: string;
  @Field(() => ReferencePriceKind) kind: ReferencePriceKind;
  commodityCode: string;
}

@ObjectType('StockLot')
export class StockLotType {
  @Field(() => ID) id: string;
  @Field(() => Float, { description: "In the commodity's base unit" }) quantity: number;
  @Field(() => Float, { description: 'Quantity minus what awards have reserved' }) availableQuantity: number;
  @Field(() => QualityGrade) grade: QualityGrade;
  @Field(() => StockSource) source: StockSource;
  @Field(() => RupiahScalar, { nullable: true }) unitCost: bigint | null;
  @Field(() => LocalDateScalar, { nullable: true }) expiresOn: string | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When unsold consignment stock went back to its consignor',
  })
  returnedAt: Date | null;
  cooperativeId: string;
  commodityCode: string;
  consignorId: string | null;
  marketCode: string;
}

@ObjectType('ScoringWeights')
export class ScoringWeightsType {
  @Field(() => Float) price: number;
  @Field(() => Float) quality: number;
  @Field(() => Float) distance: number;
  @Field(() => Float) reliability: number;
}

@ObjectType('DemandRequest')
export class DemandRequestType {
  @Field(() => ID) id: string;
  @Field(() => DemandStatus) status: DemandStatus;
  @Field(() => LocalDateScalar) deliveryDate: string;
  @Field(() => DateTimeScalar) biddingClosesAt: Date;
  @Field(() => DateTimeScalar, { description: 'When goods must be at the kitchen' }) deliverBy: Date;
  @Field(() => ScoringWeightsType) weights: ScoringWeightsType;
  @Field(() => String, { nullable: true }) note: string | null;
  kitchenId: string;
  marketCode: string;
  replacesId: string | null;
}

@ObjectType('DemandLine')
export class DemandLineType {
  @Field(() => ID) id: string;
  @Field(() => Float) quantity: number;
  @Field(() => RupiahScalar, { nullable: true }) maxUnitPrice: bigint | null;
  @Field(() => QualityGrade, { nullable: true }) minGrade: QualityGrade | null;
  @Field(() => Float) awardedQuantity: number;
  demandId: string;
  commodityCode: string;
}

@ObjectType('Offer')
export class OfferType {
  @Field(() => ID) id: string;
  @Field(() => Float) quantity: number;
  @Field(() => QualityGrade) grade: QualityGrade;
  @Field(() => OfferStatus) status: OfferStatus;
  demandLineId: string;
  demandId: string;
  cooperativeId: string;
  stockLotId: string;
  unitPriceValue: bigint;
  submittedAt: Date;
}

@ObjectType('OfferEvaluation')
export class OfferEvaluationType {
  @Field() valid: boolean;
  @Field(() => String, { nullable: true }) invalidReason: string | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Null when the viewer is a cooperative: lowest ÷ own price would reveal the lowest price',
  })
  priceScore: number | null;
  @Field(() => Float) qualityScore: number;
  @Field(() => Float) distanceScore: number;
  @Field(() => Float) reliabilityScore: number;
  @Field(() => Float, { nullable: true, description: 'Null for a cooperative viewer, for the same reason' })
  total: number | null;
  @Field(() => Int, {
    nullable: true,
    description: "1 = cheapest of the line's valid offers (ties share a position); null when invalid",
  })
  pricePosition: number | null;
  @Field(() => Int, { description: 'Valid offers on the line' }) validOfferCount: number;
  @Field(() => RupiahScalar, {
    nullable: true,
    description:
      'The unit price of the best-ranked awarded offer on the line (null when nothing was awarded)',
  })
  winningUnitPrice: bigint | null;
  @Field(() => Int) rank: number;
  @Field(() => Float) awardedQuantity: number;
  @Field({ description: 'Why this offer got what it got, in words a cooperative understands' })
  explanation: string;
  @Field({ description: 'The same explanation in Bahasa Indonesia' }) explanationId: string;
  offerId: string;
  demandLineId: string;
}

@ObjectType('Award')
export class AwardType {
  @Field(() => ID) id: string;
  @Field(() => Float) quantity: number;
  @Field(() => RupiahScalar) unitPrice: bigint;
  offerId: string;
  orderId: string;
}

@ObjectType('OrderLine')
export class OrderLineType {
  @Field(() => ID) id: string;
  @Field(() => Float) quantity: number;
  @Field(() => RupiahScalar) unitPrice: bigint;
  @Field(() => Float, { nullable: true }) acceptedQuantity: number | null;
  @Field(() => Float, { nullable: true }) rejectedQuantity: number | null;
  @Field(() => String, { nullable: true }) rejectionReason: string | null;
  commodityCode: string;
  stockLotId: string;
  orderId: string;
}

@ObjectType('PurchaseOrder')
export class PurchaseOrderType {
  @Field(() => ID) id: string;
  @Field() number: string;
  @Field(() => OrderStatus) status: OrderStatus;
  @Field(() => LocalDateScalar) deliveryDate: string;
  @Field(() => RupiahScalar) total: bigint;
  @Field(() => DateTimeScalar, { nullable: true }) dispatchedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) receivedAt: Date | null;
  @Field(() => DateTimeScalar) deliverBy: Date;
  @Field(() => Boolean, { nullable: true, description: 'Received after deliverBy' }) late: boolean | null;
  @Field(() => String, { nullable: true }) declineReason: string | null;
  @Field(() => String, { nullable: true, description: 'Why coordinators should look at this order' })
  attentionReason: string | null;
  @Field(() => String, { nullable: true }) inspectorName: string | null;
  @Field(() => Float, { nullable: true }) temperatureCelsius: number | null;
  @Field(() => String, { nullable: true }) photoUrl: string | null;
  @Field(() => String, { nullable: true }) inspectionNotes: string | null;
  kitchenId: string;
  cooperativeId: string;
  demandId: string;
}

@ObjectType('CommodityFulfilment')
export class CommodityFulfilmentType {
  @Field(() => Float) demandedQuantity: number;
  @Field(() => Float) awardedQuantity: number;
  @Field(() => Float) receivedQuantity: number;
  @Field(() => RupiahScalar, { nullable: true }) averageUnitPrice: bigint | null;
  @Field(() => RupiahScalar, { nullable: true }) referenceUnitPrice: bigint | null;
  @Field(() => RupiahScalar) spend: bigint;
  commodityCode: string;
}

@ObjectType('CooperativeFulfilment')
export class CooperativeFulfilmentType {
  @Field(() => Float) awardedQuantity: number;
  @Field(() => Float) receivedQuantity: number;
  @Field(() => Float) rejectionRate: number;
  @Field(() => RupiahScalar) revenue: bigint;
  cooperativeId: string;
}

@ObjectType('FulfilmentReport')
export class FulfilmentReportType {
  @Field() regionCode: string;
  @Field(() => LocalDateScalar) from: string;
  @Field(() => LocalDateScalar) to: string;
  @Field(() => Float) demandedQuantity: number;
  @Field(() => Float) awardedQuantity: number;
  @Field(() => Float) receivedQuantity: number;
  @Field(() => Float, { description: 'Accepted on receipt / demanded' }) fillRate: number;
  @Field(() => Float) onTimeRate: number;
  @Field(() => Float) rejectionRate: number;
  @Field(() => RupiahScalar) spend: bigint;
  @Field(() => RupiahScalar, { description: 'What the same goods cost at reference prices' })
  spendAtReference: bigint;
  @Field(() => [CommodityFulfilmentType]) byCommodity: CommodityFulfilmentType[];
  @Field(() => [CooperativeFulfilmentType]) byCooperative: CooperativeFulfilmentType[];
}

@ObjectType('CommodityMinimum')
export class CommodityMinimumType {
  @Field(() => Float) quantity: number;
  commodityCode: string;
}

@ObjectType('MarketPolicy')
export class MarketPolicyType {
  @Field() regionCode: string;
  @Field(() => Int) maxSuppliersPerLine: number;
  @Field(() => ScoringWeightsType) defaultWeights: ScoringWeightsType;
  @Field(() => [CommodityMinimumType]) minAwardQuantities: CommodityMinimumType[];
  // MBG rules (issue 9)
  @Field(() => [CertificateRuleType], {
    description:
      'An offer of this commodity needs this certificate, valid on the delivery date, held by the producer',
  })
  requiredCertificates: CertificateRuleType[];
  @Field(() => Int, { description: "Per funding cycle (10 days); BGN's rule; default 15" })
  minSuppliersPerKitchen: number;
  @Field(() => RupiahScalar, { description: 'Ingredient budget per portion; default 10000' })
  budgetPerPortion: bigint;
  @Field(() => Float, {
    nullable: true,
    description:
      'Diversity objective: share of the optimal score the award may give up (coverage never lower) to prefer cooperatives new to a kitchen this cycle; null = off',
  })
  diversityTolerance: number | null;
}

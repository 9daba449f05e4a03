import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { QualityGrade } from './enums.js';
import { DateTimeScalar, LocalDateScalar, RupiahScalar } from './scalars.js';

export enum TradeContractStatus {
  OPEN = 'OPEN',
  IN_DELIVERY = 'IN_DELIVERY',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
export enum ShipmentStatus {
  PLEDGING = 'PLEDGING',
  ALLOTTED = 'ALLOTTED',
  CONSOLIDATING = 'CONSOLIDATING',
  DISPATCHED = 'DISPATCHED',
  DELIVERED = 'DELIVERED',
  CANCELLED = 'CANCELLED',
}
export enum PledgeStatus {
  PLEDGED = 'PLEDGED',
  WITHDRAWN = 'WITHDRAWN',
  ALLOTTED = 'ALLOTTED',
  PARTIALLY_ALLOTTED = 'PARTIALLY_ALLOTTED',
  NOT_ALLOTTED = 'NOT_ALLOTTED',
  INVALID = 'INVALID',
}
registerEnumType(TradeContractStatus, { name: 'TradeContractStatus' });
registerEnumType(ShipmentStatus, { name: 'ShipmentStatus' });
registerEnumType(PledgeStatus, { name: 'PledgeStatus' });

@ObjectType('TradeContract', { description: "A Trade Center's contract with a buyer in another region" })
export class TradeContractType {
  @Field(() => ID) id: string;
  @Field() number: string;
  @Field() buyerName: string;
  @Field() destination: string;
  @Field(() => QualityGrade) minGrade: QualityGrade;
  @Field(() => RupiahScalar, {
    description: 'What the buyer pays per base unit delivered at the Trade Center',
  })
  unitPrice: bigint;
  @Field(() => Float, { description: "Share of each allotment's accepted value retained as regional levy" })
  levyRate: number;
  @Field(() => Float, { nullable: true }) maxSharePerCooperative: number | null;
  @Field(() => Float) totalQuantity: number;
  @Field(() => Float) acceptedQuantity: number;
  @Field(() => TradeContractStatus) status: TradeContractStatus;
  @Field(() => String, { nullable: true }) cancelReason: string | null;
  tradeCenterId: string;
  commodityCode: string;
}

@ObjectType('Shipment')
export class ShipmentType {
  @Field(() => ID) id: string;
  @Field(() => Int) sequence: number;
  @Field(() => Float) quantity: number;
  @Field(() => DateTimeScalar) pledgesCloseAt: Date;
  @Field(() => DateTimeScalar) consolidateBy: Date;
  @Field(() => ShipmentStatus) status: ShipmentStatus;
  @Field(() => Float) allottedQuantity: number;
  @Field(() => Float) acceptedQuantity: number;
  contractId: string;
}

@ObjectType('Pledge')
export class PledgeType {
  @Field(() => ID) id: string;
  @Field(() => Float) quantity: number;
  @Field(() => PledgeStatus) status: PledgeStatus;
  @Field(() => String, { nullable: true, description: 'Why the pledge is invalid, e.g. GRADE_TOO_LOW' })
  invalidReason: string | null;
  @Field(() => String, { nullable: true, description: 'The outcome of the allotment, in words' })
  explanation: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  shipmentId: string;
  cooperativeId: string;
  stockLotId: string;
}

@ObjectType('Allotment')
export class AllotmentType {
  @Field(() => ID) id: string;
  @Field(() => Int, { description: '1 at pledgesCloseAt; later rounds re-allot rejected quantity' })
  round: number;
  @Field(() => Float) quantity: number;
  @Field(() => Float, { nullable: true }) acceptedQuantity: number | null;
  @Field(() => Float, { nullable: true }) rejectedQuantity: number | null;
  @Field(() => String, { nullable: true }) rejectionReason: string | null;
  @Field(() => RupiahScalar) grossAmount: bigint;
  @Field(() => RupiahScalar) levyAmount: bigint;
  @Field(() => RupiahScalar) netAmount: bigint;
  @Field() paid: boolean;
  @Field(() => String, { nullable: true }) paymentReference: string | null;
  @Field() explanation: string;
  @Field() explanationId: string;
  shipmentId: string;
  pledgeId: string;
  cooperativeId: string;
  stockLotId: string;
}

@ObjectType('TradeConsignorPayable', {
  description:
    'What the cooperative owes the consignor of a consigned or BUMN lot sold through the Trade Center',
})
export class TradeConsignorPayableType {
  @Field(() => ID) id: string;
  @Field(() => ID) consignorId: string;
  @Field(() => Float) quantity: number;
  @Field(() => RupiahScalar) amount: bigint;
  @Field() status: string;
}

@ObjectType('ContractLevy')
export class ContractLevyType {
  @Field(() => Float) accepted: number;
  @Field(() => RupiahScalar) gross: bigint;
  @Field(() => RupiahScalar) levy: bigint;
  contractId: string;
}

@ObjectType('CooperativeLevy')
export class CooperativeLevyType {
  @Field(() => Float) accepted: number;
  @Field(() => RupiahScalar) gross: bigint;
  @Field(() => RupiahScalar) levy: bigint;
  @Field(() => RupiahScalar) net: bigint;
  cooperativeId: string;
}

@ObjectType('LevyReport', { description: 'Levy booked on paid allotments, local dates from..to (WIB)' })
export class LevyReportType {
  @Field() regionCode: string;
  @Field(() => LocalDateScalar) from: string;
  @Field(() => LocalDateScalar) to: string;
  @Field(() => RupiahScalar) total: bigint;
  @Field(() => [ContractLevyType]) byContract: ContractLevyType[];
  @Field(() => [CooperativeLevyType]) byCooperative: CooperativeLevyType[];
}

@InputType('ShipmentInput')
export class ShipmentInput {
  @Field(() => Float) quantity: number;
  @Field(() => DateTimeScalar) pledgesCloseAt: Date;
  @Field(() => DateTimeScalar) consolidateBy: Date;
}

@InputType('TradeContractInput')
export class TradeContractInput {
  @Field() @MaxLength(200) buyerName: string;
  @Field() @MaxLength(300) destination: string;
  @Field() @MaxLength(40) commodityCode: string;
  @Field(() => QualityGrade) minGrade: QualityGrade;
  @Field(() => RupiahScalar) unitPrice: bigint;
  @Field(() => Float) levyRate: number;
  @Field(() => [ShipmentInput])
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ShipmentInput)
  shipments: ShipmentInput[];
  @Field(() => Float, { nullable: true }) @IsOptional() maxSharePerCooperative?: number | null;
}

@InputType('PledgeInput')
export class PledgeInput {
  @Field(() => ID) shipmentId: string;
  @Field(() => ID) stockLotId: string;
  @Field(() => Float) quantity: number;
}

@InputType('TradeReceiptInput')
export class TradeReceiptInput {
  @Field(() => ID) allotmentId: string;
  @Field(() => Float) acceptedQuantity: number;
  @Field(() => Float) rejectedQuantity: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(1000) rejectionReason?: string | null;
}

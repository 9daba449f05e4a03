import { Field, Float, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { InvoiceStatus, PayableStatus } from './enums.js';
import { DateTimeScalar, LocalDateScalar, RupiahScalar } from './scalars.js';

@ObjectType('Invoice')
export class InvoiceType {
  @Field(() => ID) id: string;
  @Field() number: string;
  @Field(() => RupiahScalar, { description: 'Accepted quantity x unit price, never the ordered quantity' })
  total: bigint;
  @Field(() => RupiahScalar) paid: bigint;
  @Field(() => InvoiceStatus) status: InvoiceStatus;
  @Field(() => DateTimeScalar) issuedAt: Date;
  orderId: string;
  cooperativeId: string;
  kitchenId: string;
}

@ObjectType('ConsignmentPayable', {
  description: 'What a cooperative owes a consignor (UMKM or BUMN) once goods are accepted',
})
export class ConsignmentPayableType {
  @Field(() => ID) id: string;
  @Field(() => Float) quantity: number;
  @Field(() => RupiahScalar) amount: bigint;
  @Field(() => PayableStatus) status: PayableStatus;
  @Field(() => DateTimeScalar, { nullable: true }) paidAt: Date | null;
  @Field(() => String, { nullable: true }) settlementReference: string | null;
  consignorId: string;
  cooperativeId: string;
  stockLotId: string;
  orderLineId: string;
}

@ObjectType('LotDelivery')
export class LotDeliveryType {
  @Field(() => Float) quantity: number;
  @Field(() => Float, { nullable: true }) acceptedQuantity: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) receivedAt: Date | null;
  orderId: string;
  kitchenId: string;
}

@ObjectType('LotTrace')
export class LotTraceType {
  @Field(() => [LotDeliveryType]) deliveries: LotDeliveryType[];
  stockLotId: string;
  consignorId: string | null;
}

@ObjectType('AuditEntry')
export class AuditEntryType {
  @Field(() => DateTimeScalar) at: Date;
  @Field() action: string;
  @Field() entityType: string;
  @Field(() => ID) entityId: string;
  @Field(() => String, { nullable: true }) before: string | null;
  @Field(() => String, { nullable: true }) after: string | null;
  actorUserId: string | null;
}

@ObjectType('Alert', { description: 'Something a coordinator must act on' })
export class AlertType {
  @Field(() => ID) id: string;
  @Field() kind: string;
  @Field() regionCode: string;
  @Field(() => ID) entityId: string;
  @Field() message: string;
  @Field() messageId: string;
  @Field(() => DateTimeScalar) createdAt: Date;
}

@ObjectType('ConsignorStatement', {
  description: "A consignor's account with the cooperative: sold, owed, paid",
})
export class ConsignorStatementType {
  @Field(() => Float) soldQuantity: number;
  @Field(() => RupiahScalar) owed: bigint;
  @Field(() => RupiahScalar) paid: bigint;
  consignorId: string;
}

@ObjectType('LotMargin', {
  description: "The cooperative's margin on a consigned lot: revenue of accepted goods minus what it owes",
})
export class LotMarginType {
  @Field(() => ID) stockLotId: string;
  @Field(() => Float) acceptedQuantity: number;
  @Field(() => RupiahScalar) revenue: bigint;
  @Field(() => RupiahScalar) owedToConsignor: bigint;
  @Field(() => RupiahScalar) margin: bigint;
}

@ObjectType('KitchenSpending', { description: "The kitchen's ingredient spend in one 10-day funding cycle" })
export class KitchenSpendingType {
  @Field(() => LocalDateScalar) cycleStart: string;
  @Field(() => LocalDateScalar) cycleEnd: string;
  @Field(() => RupiahScalar) invoiced: bigint;
  @Field(() => RupiahScalar) paid: bigint;
  @Field(() => RupiahScalar) outstanding: bigint;
  @Field(() => RupiahScalar, { description: 'Ordered for the cycle and not yet received' }) committed: bigint;
}

@InputType('ReceiptLineInput')
export class ReceiptLineInput {
  @Field(() => ID) orderLineId: string;
  @Field(() => Float) acceptedQuantity: number;
  @Field(() => Float) rejectedQuantity: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(1000) rejectionReason?: string | null;
}

@InputType('InspectionInput')
export class InspectionInput {
  @Field() @MaxLength(200) inspectorName: string;
  @Field(() => Float, { nullable: true }) temperatureCelsius?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) photoUrl?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) notes?: string | null;
}

@InputType('ReceiveOrderInput')
export class ReceiveOrderInput {
  @Field(() => ID) orderId: string;
  @Field(() => [ReceiptLineInput]) @ArrayMaxSize(200) lines: ReceiptLineInput[];
  @Field(() => InspectionInput, { nullable: true }) inspection?: InspectionInput | null;
}

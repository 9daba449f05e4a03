import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { DateTimeScalar, LocalDateScalar, RupiahScalar } from './scalars.js';
import { OrganizationKind, QualityGrade, Role, StockSource } from './enums.js';
import { CertificateRuleInput } from './rules.types.js';

// Shape limits are checked here (class-validator, before any service runs); the business
// rules (quantities, dates, prices, who may do what) live in the services.

@InputType('LoginInput')
export class LoginInput {
  @Field() @MaxLength(200) email: string;
  @Field() @MaxLength(200) password: string;
}

@InputType('ChangePasswordInput')
export class ChangePasswordInput {
  @Field() @MaxLength(200) currentPassword: string;
  @Field() @MaxLength(200) newPassword: string;
}

@InputType('ResetUserPasswordInput')
export class ResetUserPasswordInput {
  @Field(() => ID) userId: string;
  @Field() @MaxLength(200) newPassword: string;
}

@InputType('ScoringWeightsInput')
export class ScoringWeightsInput {
  @Field(() => Float) price: number;
  @Field(() => Float) quality: number;
  @Field(() => Float) distance: number;
  @Field(() => Float) reliability: number;
}

const UNIT_DESCRIPTION =
  "A unit of the commodity (e.g. karung-25, butir, ikat); absent: the commodity's base unit";

@InputType('DemandLineInput')
export class DemandLineInput {
  @Field() @MaxLength(40) commodityCode: string;
  @Field(() => Float) quantity: number;
  @Field(() => String, { nullable: true, description: UNIT_DESCRIPTION }) @IsOptional() @MaxLength(40) unit?:
    string | null;
  @Field(() => RupiahScalar, { nullable: true }) maxUnitPrice?: bigint | null;
  @Field(() => QualityGrade, { nullable: true }) minGrade?: QualityGrade | null;
}

@InputType('PostDemandInput')
export class PostDemandInput {
  @Field(() => LocalDateScalar) deliveryDate: string;
  @Field(() => DateTimeScalar) biddingClosesAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) deliverBy?: Date | null;
  @Field(() => [DemandLineInput])
  @ArrayMaxSize(100, { message: 'A demand has at most 100 lines / Permintaan paling banyak 100 baris' })
  @ValidateNested({ each: true })
  @Type(() => DemandLineInput)
  lines: DemandLineInput[];
  @Field(() => ScoringWeightsInput, { nullable: true }) weights?: ScoringWeightsInput | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) note?: string | null;
}

@InputType('StockLotInput')
export class StockLotInput {
  @Field() @MaxLength(40) commodityCode: string;
  @Field(() => Float) quantity: number;
  @Field(() => String, { nullable: true, description: UNIT_DESCRIPTION }) @IsOptional() @MaxLength(40) unit?:
    string | null;
  @Field(() => QualityGrade) grade: QualityGrade;
  @Field(() => StockSource) source: StockSource;
  @Field(() => ID, { nullable: true }) consignorId?: string | null;
  @Field(() => RupiahScalar, { nullable: true }) unitCost?: bigint | null;
  @Field(() => LocalDateScalar, { nullable: true }) expiresOn?: string | null;
}

@InputType('OfferInput')
export class OfferInput {
  @Field(() => ID) demandLineId: string;
  @Field(() => ID) stockLotId: string;
  @Field(() => Float) quantity: number;
  @Field(() => String, { nullable: true, description: UNIT_DESCRIPTION }) @IsOptional() @MaxLength(40) unit?:
    string | null;
  @Field(() => RupiahScalar) unitPrice: bigint;
}

@InputType('CommodityMinimumInput')
export class CommodityMinimumInput {
  @Field() @MaxLength(40) commodityCode: string;
  @Field(() => Float) quantity: number;
}

@InputType('MarketPolicyInput')
export class MarketPolicyInput {
  @Field() @MaxLength(20) regionCode: string;
  @Field(() => Int, { nullable: true }) maxSuppliersPerLine?: number | null;
  @Field(() => ScoringWeightsInput, { nullable: true }) defaultWeights?: ScoringWeightsInput | null;
  @Field(() => [CommodityMinimumInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  minAwardQuantities?: CommodityMinimumInput[] | null;
  // MBG rules (issue 9)
  @Field(() => [CertificateRuleInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CertificateRuleInput)
  requiredCertificates?: CertificateRuleInput[] | null;
  @Field(() => Int, { nullable: true }) minSuppliersPerKitchen?: number | null;
  @Field(() => RupiahScalar, { nullable: true }) budgetPerPortion?: bigint | null;
  @Field(() => Float, { nullable: true, description: '0 turns the diversity objective off; at most 0.2' })
  diversityTolerance?: number | null;
}

@InputType('OrganizationInput')
export class OrganizationInput {
  @Field() @MaxLength(200) name: string;
  @Field(() => OrganizationKind) kind: OrganizationKind;
  @Field() @MaxLength(20) regionCode: string;
  @Field(() => Float, { nullable: true }) latitude?: number | null;
  @Field(() => Float, { nullable: true }) longitude?: number | null;
}

@InputType('UserInput')
export class UserInput {
  @Field() @MaxLength(200) email: string;
  @Field() @MaxLength(200) name: string;
  @Field(() => Role) role: Role;
  @Field(() => ID) organizationId: string;
  @Field() @MaxLength(200) password: string;
}

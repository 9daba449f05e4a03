import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { QualityGrade } from './enums.js';
import { DemandLineInput } from './inputs.js';
import { LocalDateScalar, RupiahScalar } from './scalars.js';

// GraphQL shapes of "Food safety, certificates, price caps, kitchen budgets" (issue 9).

export enum CertificateKind {
  HALAL = 'HALAL',
  PIRT = 'PIRT',
  SLHS = 'SLHS',
  BPOM_MD = 'BPOM_MD',
  NKV = 'NKV',
}
export enum ReferencePriceKind {
  HET = 'HET',
  HAP = 'HAP',
  MARKET = 'MARKET',
}
registerEnumType(CertificateKind, {
  name: 'CertificateKind',
  description:
    'Halal; home-industry food permit (UMKM); kitchen hygiene (SPPG); processed-food registration; veterinary control number',
});
registerEnumType(ReferencePriceKind, {
  name: 'ReferencePriceKind',
  description:
    'HET: legal ceiling (an offer above it is INVALID); HAP: government reference; MARKET: observed price',
});

@ObjectType('Certificate')
export class CertificateType {
  @Field(() => ID) id: string;
  @Field(() => CertificateKind) kind: CertificateKind;
  @Field() number: string;
  @Field(() => LocalDateScalar) validUntil: string;
  @Field(() => [String], { description: 'Empty: the whole organisation' }) commodityCodes: string[];
  organizationId: string;
}

@ObjectType('CertificateRule')
export class CertificateRuleType {
  @Field(() => CertificateKind) kind: CertificateKind;
  commodityCode: string;
}

@ObjectType('PortionRecord')
export class PortionRecordType {
  @Field(() => LocalDateScalar) date: string;
  @Field(() => Int) portions: number;
  kitchenId: string;
}

@ObjectType('KitchenCompliance')
export class KitchenComplianceType {
  @Field(() => LocalDateScalar) from: string;
  @Field(() => LocalDateScalar) to: string;
  @Field(() => Int, { description: 'Cooperatives with accepted goods in the period' })
  distinctSuppliers: number;
  @Field({ description: "distinctSuppliers >= the market's minSuppliersPerKitchen" })
  meetsSupplierRule: boolean;
  @Field(() => Int, { description: "The market's minSuppliersPerKitchen the rule was checked against" })
  minSuppliersPerKitchen: number;
  @Field(() => Float, { description: 'Accepted value from OWN or UMKM-consigned stock / all accepted value' })
  localShare: number;
  @Field(() => Int, { description: 'From recordPortions' }) portions: number;
  @Field(() => RupiahScalar, { description: 'Accepted value in the period' }) spend: bigint;
  @Field(() => RupiahScalar, { nullable: true, description: 'spend / portions; null without portions' })
  costPerPortion: bigint | null;
  @Field(() => RupiahScalar) budgetPerPortion: bigint;
  @Field(() => RupiahScalar, { description: 'What was paid above reference prices, summed over lines' })
  spendAboveReference: bigint;
  @Field({ description: 'Holds an SLHS hygiene certificate valid today; false = flagged for coordinators' })
  hasValidSlhs: boolean;
  kitchenId: string;
}

@ObjectType('ImportError')
export class ImportErrorType {
  @Field(() => Int) line: number;
  @Field() message: string;
}

@ObjectType('ImportResult', { description: 'All or nothing: any error, nothing imported' })
export class ImportResultType {
  @Field(() => Int) imported: number;
  @Field(() => [ImportErrorType]) errors: ImportErrorType[];
}

@ObjectType('DemandTemplateLine')
export class DemandTemplateLineType {
  @Field(() => Float) quantity: number;
  @Field(() => RupiahScalar, { nullable: true }) maxUnitPrice: bigint | null;
  @Field(() => QualityGrade, { nullable: true }) minGrade: QualityGrade | null;
  commodityCode: string;
}

@ObjectType('DemandTemplate')
export class DemandTemplateType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => [DemandTemplateLineType]) lines: DemandTemplateLineType[];
}

@InputType('CertificateInput')
export class CertificateInput {
  @Field(() => ID) @MaxLength(40) organizationId: string;
  @Field(() => CertificateKind) kind: CertificateKind;
  @Field() @MaxLength(80) number: string;
  @Field(() => LocalDateScalar) validUntil: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(100) commodityCodes?:
    string[] | null;
}

@InputType('CertificateRuleInput')
export class CertificateRuleInput {
  @Field() @MaxLength(40) commodityCode: string;
  @Field(() => CertificateKind) kind: CertificateKind;
}

@InputType('ReferencePriceInput')
export class ReferencePriceInput {
  @Field() @MaxLength(40) commodityCode: string;
  @Field() @MaxLength(20) regionCode: string;
  @Field(() => ReferencePriceKind) kind: ReferencePriceKind;
  @Field(() => RupiahScalar) unitPrice: bigint;
  @Field(() => LocalDateScalar) validFrom: string;
  @Field() @MaxLength(300) source: string;
}

@InputType('DemandTemplateInput')
export class DemandTemplateInput {
  @Field() @MaxLength(120) name: string;
  @Field(() => [DemandLineInput])
  @ArrayMaxSize(100, { message: 'A template has at most 100 lines / Templat paling banyak 100 baris' })
  @ValidateNested({ each: true })
  @Type(() => DemandLineInput)
  lines: DemandLineInput[];
}

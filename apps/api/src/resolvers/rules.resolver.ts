import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { CertificatesService } from '../../../../libs/catalog/src/certificates.service.js';
import { ReferencePricesService } from '../../../../libs/catalog/src/reference-prices.service.js';
import { milliToNumber } from '../../../../libs/core/src/quantity.js';
import type {
  CertificateEntity,
  DemandTemplateEntity,
} from '../../../../libs/database/src/entities/rules.entity.js';
import { DemandTemplatesService } from '../../../../libs/market/src/demand-templates.service.js';
import { ComplianceService } from '../../../../libs/monitoring/src/compliance.service.js';
import type { GqlContext } from '../graphql/context.js';
import { QualityGrade } from '../graphql/enums.js';
import { toCommodity, toDemand, toOrganization, toReferencePrice } from '../graphql/mappers.js';
import {
  CertificateInput,
  CertificateKind,
  CertificateRuleType,
  CertificateType,
  DemandTemplateInput,
  DemandTemplateLineType,
  DemandTemplateType,
  ImportResultType,
  KitchenComplianceType,
  PortionRecordType,
  ReferencePriceInput,
} from '../graphql/rules.types.js';
import { DateTimeScalar, LocalDateScalar } from '../graphql/scalars.js';
import {
  CommodityType,
  DemandRequestType,
  OrganizationType,
  ReferencePriceType,
  StockLotType,
} from '../graphql/types.js';

const toCertificate = (certificate: CertificateEntity): CertificateType => ({
  id: certificate.id,
  kind: certificate.kind as CertificateKind,
  number: certificate.number,
  validUntil: certificate.validUntil,
  commodityCodes: certificate.commodityCodes,
  organizationId: certificate.organizationId,
});

const toTemplate = (template: DemandTemplateEntity): DemandTemplateType => ({
  id: template.id,
  name: template.name,
  lines: template.lines.map((line) => ({
    commodityCode: line.commodityCode,
    quantity: milliToNumber(line.quantityMilli),
    maxUnitPrice: line.maxUnitPrice === null ? null : BigInt(line.maxUnitPrice),
    minGrade: line.minGrade as QualityGrade | null,
  })),
});

/** Per-request loader of certificates by holder (kept beside the feature, created on first use). */
const certificateLoaders = new WeakMap<GqlContext, DataLoader<string, CertificateEntity[]>>();
function certificatesOf(
  ctx: GqlContext,
  certificates: CertificatesService,
): DataLoader<string, CertificateEntity[]> {
  let loader = certificateLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows = await certificates.certificatesOfOrganizations(ids);
      return ids.map((id) => rows.filter((row) => row.organizationId === id));
    });
    certificateLoaders.set(ctx, loader);
  }
  return loader;
}

@Resolver()
export class RulesResolver {
  constructor(
    private readonly certificateRegister: CertificatesService,
    private readonly referencePrices: ReferencePricesService,
    private readonly compliance: ComplianceService,
    private readonly templates: DemandTemplatesService,
  ) {}

  @Query(() => [CertificateType], {
    description: "Own organisation's; coordinators: any in region",
  })
  async certificates(
    @Context() ctx: GqlContext,
    @Args('organizationId', { type: () => ID, nullable: true }) organizationId: string | null,
  ): Promise<CertificateType[]> {
    return (await this.certificateRegister.certificates(ctx.actor, organizationId ?? null)).map(
      toCertificate,
    );
  }

  @Query(() => [KitchenComplianceType], {
    description: 'Coordinators of the region; a kitchen: itself',
  })
  async kitchenCompliance(
    @Context() ctx: GqlContext,
    @Args('regionCode') regionCode: string,
    @Args('from', { type: () => LocalDateScalar }) from: string,
    @Args('to', { type: () => LocalDateScalar }) to: string,
  ): Promise<KitchenComplianceType[]> {
    return this.compliance.kitchenCompliance(ctx.actor, regionCode, from, to);
  }

  @Query(() => [DemandTemplateType], { description: 'KITCHEN_MANAGER, its own' })
  async demandTemplates(@Context() ctx: GqlContext): Promise<DemandTemplateType[]> {
    return (await this.templates.demandTemplates(ctx.actor)).map(toTemplate);
  }

  @Mutation(() => CertificateType, {
    description: 'The organisation itself (for itself or its consignors) or a coordinator of its region',
  })
  async addCertificate(
    @Context() ctx: GqlContext,
    @Args('input') input: CertificateInput,
  ): Promise<CertificateType> {
    return toCertificate(await this.certificateRegister.addCertificate(ctx.actor, input));
  }

  @Mutation(() => ReferencePriceType, { description: 'Coordinator of the region' })
  async setReferencePrice(
    @Context() ctx: GqlContext,
    @Args('input') input: ReferencePriceInput,
  ): Promise<ReferencePriceType> {
    return toReferencePrice(await this.referencePrices.setReferencePrice(ctx.actor, input));
  }

  @Mutation(() => ImportResultType, {
    description: 'Coordinator; header: commodityCode,regionCode,kind,unitPrice,validFrom,source',
  })
  async importReferencePrices(
    @Context() ctx: GqlContext,
    @Args('csv') csv: string,
  ): Promise<ImportResultType> {
    return this.referencePrices.importReferencePrices(ctx.actor, csv);
  }

  @Mutation(() => PortionRecordType, {
    description: 'KITCHEN_MANAGER; portions > 0; one record per day, a second call replaces it',
  })
  async recordPortions(
    @Context() ctx: GqlContext,
    @Args('date', { type: () => LocalDateScalar }) date: string,
    @Args('portions', { type: () => Int }) portions: number,
  ): Promise<PortionRecordType> {
    return this.compliance.recordPortions(ctx.actor, date, portions);
  }

  @Mutation(() => DemandTemplateType)
  async saveDemandTemplate(
    @Context() ctx: GqlContext,
    @Args('input') input: DemandTemplateInput,
  ): Promise<DemandTemplateType> {
    return toTemplate(await this.templates.saveDemandTemplate(ctx.actor, input));
  }

  @Mutation(() => DemandRequestType)
  async postDemandFromTemplate(
    @Context() ctx: GqlContext,
    @Args('templateId', { type: () => ID }) templateId: string,
    @Args('deliveryDate', { type: () => LocalDateScalar }) deliveryDate: string,
    @Args('biddingClosesAt', { type: () => DateTimeScalar }) biddingClosesAt: Date,
  ): Promise<DemandRequestType> {
    return toDemand(
      await this.templates.postDemandFromTemplate(ctx.actor, templateId, deliveryDate, biddingClosesAt),
    );
  }

  @Mutation(() => DemandRequestType, { description: 'Same lines as an earlier demand' })
  async repeatDemand(
    @Context() ctx: GqlContext,
    @Args('demandId', { type: () => ID }) demandId: string,
    @Args('deliveryDate', { type: () => LocalDateScalar }) deliveryDate: string,
    @Args('biddingClosesAt', { type: () => DateTimeScalar }) biddingClosesAt: Date,
  ): Promise<DemandRequestType> {
    return toDemand(await this.templates.repeatDemand(ctx.actor, demandId, deliveryDate, biddingClosesAt));
  }
}

@Resolver(() => CertificateType)
export class CertificateFieldsResolver {
  @ResolveField('organization', () => OrganizationType)
  async organization(@Parent() certificate: CertificateType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(certificate.organizationId));
  }
}

@Resolver(() => CertificateRuleType)
export class CertificateRuleFieldsResolver {
  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() rule: CertificateRuleType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(rule.commodityCode));
  }
}

@Resolver(() => DemandTemplateLineType)
export class DemandTemplateLineFieldsResolver {
  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() line: DemandTemplateLineType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(line.commodityCode));
  }
}

@Resolver(() => PortionRecordType)
export class PortionRecordFieldsResolver {
  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() record: PortionRecordType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(record.kitchenId));
  }
}

@Resolver(() => KitchenComplianceType)
export class KitchenComplianceFieldsResolver {
  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() compliance: KitchenComplianceType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(compliance.kitchenId));
  }
}

@Resolver(() => StockLotType)
export class StockLotCertificatesResolver {
  constructor(private readonly certificates: CertificatesService) {}

  @ResolveField('certificates', () => [CertificateType], {
    description:
      "The producer's certificates covering the lot's commodity (the consignor's for consigned or BUMN stock)",
  })
  async certificatesOfLot(
    @Parent() lot: StockLotType,
    @Context() ctx: GqlContext,
  ): Promise<CertificateType[]> {
    const held = await certificatesOf(ctx, this.certificates).load(lot.consignorId ?? lot.cooperativeId);
    return held
      .filter((c) => c.commodityCodes.length === 0 || c.commodityCodes.includes(lot.commodityCode))
      .map(toCertificate);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { quantityInBaseMilli } from '../../catalog/src/unit-conversion.js';
import { DomainError } from '../../core/src/domain-error.js';
import { QUALITY_GRADES } from '../../core/src/grade.js';
import { milliToNumber } from '../../core/src/quantity.js';
import { appendAudit } from '../../database/src/audit.js';
import { DemandLineEntity, DemandRequestEntity } from '../../database/src/entities/market.entity.js';
import { DemandTemplateEntity, type TemplateLine } from '../../database/src/entities/rules.entity.js';
import { requireOrganization, requireRole, type Actor } from '../../identity/src/actor.js';
import { DemandService } from './demand.service.js';
import { MAX_DEMAND_LINES, type DemandLineInput } from './market.types.js';

export interface DemandTemplateInput {
  name: string;
  lines: DemandLineInput[];
}

const MAX_TEMPLATES_PER_KITCHEN = 100;

/**
 * A kitchen's day does not start by retyping 15–20 lines: it saves a template and posts from it,
 * or repeats an earlier demand. Both post through the market's own postDemand, so a demand made
 * this way is checked exactly like one typed by hand.
 */
@Injectable()
export class DemandTemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly demands: DemandService,
  ) {}

  /** Saving under a name the kitchen already used replaces that template's lines. */
  async saveDemandTemplate(actor: Actor | null, input: DemandTemplateInput): Promise<DemandTemplateEntity> {
    const manager = requireRole(actor, 'KITCHEN_MANAGER');
    const kitchenId = requireOrganization(manager);
    const name = input.name.trim();
    if (name.length < 1 || name.length > 120) {
      throw DomainError.badInput('name must be 1 to 120 characters', 'nama harus 1 sampai 120 karakter', {
        field: 'name',
      });
    }
    const lines = await this.validLines(input.lines);
    return this.dataSource.transaction(async (tx) => {
      const count: { n: string }[] = await tx.query(
        'SELECT count(*) AS n FROM demand_template WHERE kitchen_id = $1 AND name <> $2',
        [kitchenId, name],
      );
      if (Number(count[0]!.n) >= MAX_TEMPLATES_PER_KITCHEN) {
        throw DomainError.conflict(
          `A kitchen keeps at most ${MAX_TEMPLATES_PER_KITCHEN} templates`,
          `Dapur menyimpan paling banyak ${MAX_TEMPLATES_PER_KITCHEN} templat`,
        );
      }
      const rows: { id: string }[] = await tx.query(
        `INSERT INTO demand_template (kitchen_id, name, lines) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (kitchen_id, name) DO UPDATE SET lines = EXCLUDED.lines RETURNING id`,
        [kitchenId, name, JSON.stringify(lines)],
      );
      await appendAudit(tx, {
        actorUserId: manager.userId,
        action: 'demandTemplate.saved',
        entityType: 'DemandTemplate',
        entityId: rows[0]!.id,
        regionCode: manager.regionCode ?? '',
        after: { name, lines: lines.length },
      });
      return tx.findOneByOrFail(DemandTemplateEntity, { id: rows[0]!.id });
    });
  }

  async demandTemplates(actor: Actor | null): Promise<DemandTemplateEntity[]> {
    const manager = requireRole(actor, 'KITCHEN_MANAGER');
    return this.dataSource
      .getRepository(DemandTemplateEntity)
      .find({ where: { kitchenId: requireOrganization(manager) }, order: { name: 'ASC', id: 'ASC' } });
  }

  async postDemandFromTemplate(
    actor: Actor | null,
    templateId: string,
    deliveryDate: string,
    biddingClosesAt: Date,
  ): Promise<DemandRequestEntity> {
    const manager = requireRole(actor, 'KITCHEN_MANAGER');
    const template = isUuid(templateId)
      ? await this.dataSource
          .getRepository(DemandTemplateEntity)
          .findOneBy({ id: templateId, kitchenId: requireOrganization(manager) })
      : null;
    if (!template) throw DomainError.notFound('Template', 'Templat', { id: templateId });
    return this.demands.postDemand(manager, {
      deliveryDate,
      biddingClosesAt,
      lines: template.lines.map(toLineInput),
      note: `From template "${template.name}" / Dari templat "${template.name}"`,
    });
  }

  /** The same lines and weights as an earlier demand of the same kitchen, for another day. */
  async repeatDemand(
    actor: Actor | null,
    demandId: string,
    deliveryDate: string,
    biddingClosesAt: Date,
  ): Promise<DemandRequestEntity> {
    const manager = requireRole(actor, 'KITCHEN_MANAGER');
    const earlier = isUuid(demandId)
      ? await this.dataSource
          .getRepository(DemandRequestEntity)
          .findOneBy({ id: demandId, kitchenId: requireOrganization(manager) })
      : null;
    if (!earlier) throw DomainError.notFound('Demand', 'Permintaan', { id: demandId });
    const lines = await this.dataSource
      .getRepository(DemandLineEntity)
      .find({ where: { demandId: earlier.id }, order: { lineNo: 'ASC' } });
    return this.demands.postDemand(manager, {
      deliveryDate,
      biddingClosesAt,
      weights: {
        price: earlier.weightPrice,
        quality: earlier.weightQuality,
        distance: earlier.weightDistance,
        reliability: earlier.weightReliability,
      },
      lines: lines.map((line) =>
        toLineInput({
          commodityCode: line.commodityCode,
          quantityMilli: line.quantity,
          maxUnitPrice: line.maxUnitPrice === null ? null : line.maxUnitPrice.toString(),
          minGrade: line.minGrade,
        }),
      ),
      note: earlier.note,
    });
  }

  /** The same checks postDemand makes on lines, so a template always posts. */
  private async validLines(inputs: readonly DemandLineInput[]): Promise<TemplateLine[]> {
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > MAX_DEMAND_LINES) {
      throw DomainError.badInput(
        `A template has 1 to ${MAX_DEMAND_LINES} lines`,
        `Templat berisi 1 sampai ${MAX_DEMAND_LINES} baris`,
        { field: 'lines' },
      );
    }
    const known = await this.catalog.unitCatalog(inputs.map((line) => line.commodityCode));
    const seen = new Set<string>();
    return inputs.map((line, index) => {
      const fail = (en: string, id: string, field: string) =>
        DomainError.badInput(`Line ${index + 1}: ${en}`, `Baris ${index + 1}: ${id}`, { field, index });
      const units = known.get(line.commodityCode);
      if (!units)
        throw fail(
          `unknown commodity ${line.commodityCode}`,
          `komoditas ${line.commodityCode} tidak dikenal`,
          'commodityCode',
        );
      const key = `${line.commodityCode}/${line.minGrade ?? ''}`;
      if (seen.has(key)) {
        throw fail(`${line.commodityCode} appears twice`, `${line.commodityCode} muncul dua kali`, 'lines');
      }
      seen.add(key);
      if (line.minGrade && !QUALITY_GRADES.includes(line.minGrade)) {
        throw fail('minGrade must be A, B or C', 'minGrade harus A, B, atau C', 'minGrade');
      }
      if (line.maxUnitPrice !== null && line.maxUnitPrice !== undefined && line.maxUnitPrice <= 0n) {
        throw fail(
          'maxUnitPrice must be more than zero',
          'maxUnitPrice harus lebih dari nol',
          'maxUnitPrice',
        );
      }
      return {
        commodityCode: line.commodityCode,
        quantityMilli: quantityInBaseMilli(line.quantity, line.unit, units.baseUnit, units.units),
        maxUnitPrice:
          line.maxUnitPrice === null || line.maxUnitPrice === undefined ? null : line.maxUnitPrice.toString(),
        minGrade: line.minGrade ?? null,
      };
    });
  }
}

function toLineInput(line: TemplateLine): DemandLineInput {
  return {
    commodityCode: line.commodityCode,
    quantity: milliToNumber(line.quantityMilli),
    maxUnitPrice: line.maxUnitPrice === null ? null : BigInt(line.maxUnitPrice),
    minGrade: line.minGrade,
  };
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decimalTextToMilli } from '../../core/src/quantity.js';
import { ComplianceService, requirePeriod } from './compliance.service.js';

export interface KitchenScorecard {
  kitchenId: string;
  from: string;
  to: string;
  costPerPortion: bigint | null;
  localShare: number;
  distinctSuppliers: number;
  fillRate: number;
  onTimeRate: number;
}

/**
 * The public's view of each kitchen of a region (no sign-in): aggregates only, so no single
 * offer's price can be read from it. Fill and on-time rates are defined as in fulfilmentReport,
 * per kitchen: accepted / demanded quantity, and orders received by their deadline / received.
 */
@Injectable()
export class ScorecardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly compliance: ComplianceService,
  ) {}

  async publicScorecards(regionCode: string, from: string, to: string): Promise<KitchenScorecard[]> {
    const [start, end] = requirePeriod(from, to);
    const kitchens = await this.compliance.kitchensOfRegion(regionCode);
    if (kitchens.length === 0) return [];
    const ids = kitchens.map((k) => k.id);
    const figures = await this.compliance.figuresOf(kitchens, start, end);
    const demanded: { kitchen_id: string; quantity: string }[] = await this.dataSource.query(
      `SELECT d.kitchen_id, sum(l.quantity)::text AS quantity
         FROM demand_line l JOIN demand_request d ON d.id = l.demand_id
        WHERE d.kitchen_id = ANY($1::uuid[]) AND d.delivery_date BETWEEN $2 AND $3
          AND d.status <> 'CANCELLED'
        GROUP BY d.kitchen_id`,
      [ids, start, end],
    );
    const orders: { kitchen_id: string; accepted: string; received: string; on_time: string }[] =
      await this.dataSource.query(
        `SELECT o.kitchen_id,
                coalesce((SELECT sum(l.accepted_quantity) FROM order_line l
                   JOIN purchase_order p ON p.id = l.order_id
                  WHERE p.kitchen_id = o.kitchen_id AND p.delivery_date BETWEEN $2 AND $3
                    AND p.status NOT IN ('DECLINED', 'CANCELLED')), 0)::text AS accepted,
                count(*) FILTER (WHERE o.received_at IS NOT NULL)::text AS received,
                count(*) FILTER (WHERE o.received_at <= o.deliver_by)::text AS on_time
           FROM purchase_order o
          WHERE o.kitchen_id = ANY($1::uuid[]) AND o.delivery_date BETWEEN $2 AND $3
            AND o.status NOT IN ('DECLINED', 'CANCELLED')
          GROUP BY o.kitchen_id`,
        [ids, start, end],
      );
    const demandedOf = new Map(demanded.map((row) => [row.kitchen_id, decimalTextToMilli(row.quantity)]));
    const ordersOf = new Map(orders.map((row) => [row.kitchen_id, row]));
    return figures.map((f) => {
      const demandedMilli = demandedOf.get(f.kitchenId) ?? 0;
      const row = ordersOf.get(f.kitchenId);
      const received = Number(row?.received ?? 0);
      return {
        kitchenId: f.kitchenId,
        from: f.from,
        to: f.to,
        costPerPortion: f.costPerPortion,
        localShare: f.localShare,
        distinctSuppliers: f.distinctSuppliers,
        fillRate: demandedMilli > 0 ? decimalTextToMilli(row?.accepted ?? '0') / demandedMilli : 0,
        onTimeRate: received > 0 ? Number(row?.on_time ?? 0) / received : 0,
      };
    });
  }
}

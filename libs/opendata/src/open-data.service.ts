import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../core/src/app-config.js';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import { decimalTextToMilli } from '../../core/src/quantity.js';
import { ComplianceService, requirePeriod } from '../../monitoring/src/compliance.service.js';
import { ocdsReleasePackage, type ClosedDemandModel, type PurchaseOrderModel } from './ocds-release.js';

/** Demands per page of reads: the feed of a long period never holds every row at once. */
const DEMANDS_PER_READ = 200;

/**
 * Reads the OCDS feed's rows for a region and period (by delivery date). Only demands whose
 * bidding has closed and been evaluated appear, so no offer's price is public before evaluation;
 * offers themselves appear only as counts.
 */
@Injectable()
export class OpenDataService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly compliance: ComplianceService,
  ) {}

  async releasePackage(regionCode: string, from: string, to: string, packageUri: string) {
    const [start, end] = requirePeriod(from, to);
    const kitchens = await this.compliance.kitchensOfRegion(regionCode);
    const demands: ClosedDemandModel[] = [];
    for (let offset = 0; kitchens.length > 0; offset += DEMANDS_PER_READ) {
      const page = await this.closedDemands(
        kitchens.map((k) => k.id),
        start,
        end,
        offset,
      );
      demands.push(...page);
      if (page.length < DEMANDS_PER_READ) break;
    }
    return ocdsReleasePackage(demands, {
      ocidPrefix: this.config.ocdsOcidPrefix,
      publisherName: 'Pasar Gizi',
      packageUri,
      publishedDate: new Date(),
    });
  }

  private async closedDemands(
    kitchenIds: string[],
    start: string,
    end: string,
    offset: number,
  ): Promise<ClosedDemandModel[]> {
    const demands: {
      id: string;
      kitchen_id: string;
      kitchen_name: string;
      status: ClosedDemandModel['status'];
      created_at: Date;
      bidding_closes_at: Date;
      delivery_date: string;
    }[] = await this.dataSource.query(
      `SELECT d.id, d.kitchen_id, k.name AS kitchen_name, d.status, d.created_at, d.bidding_closes_at,
              d.delivery_date::text AS delivery_date
         FROM demand_request d JOIN organization k ON k.id = d.kitchen_id
        WHERE d.kitchen_id = ANY($1::uuid[]) AND d.delivery_date BETWEEN $2 AND $3
          AND d.status IN ('AWARDED', 'PARTIALLY_AWARDED', 'UNFILLED')
        ORDER BY d.delivery_date, d.created_at, d.id
        LIMIT $4 OFFSET $5`,
      [kitchenIds, start, end, DEMANDS_PER_READ, offset],
    );
    if (demands.length === 0) return [];
    const ids = demands.map((d) => d.id);
    const lines: {
      id: string;
      demand_id: string;
      commodity_code: string;
      name: string;
      base_unit: string;
      quantity: string;
    }[] = await this.dataSource.query(
      `SELECT l.id, l.demand_id, l.commodity_code, c.name, c.base_unit, l.quantity::text AS quantity
         FROM demand_line l JOIN commodity c ON c.code = l.commodity_code
        WHERE l.demand_id = ANY($1::uuid[]) ORDER BY l.demand_id, l.line_no`,
      [ids],
    );
    const bids: {
      demand_id: string;
      demand_line_id: string;
      bids: string;
      valid_bids: string;
    }[] = await this.dataSource.query(
      `SELECT o.demand_id, o.demand_line_id, count(*)::text AS bids,
              count(*) FILTER (WHERE o.status <> 'INVALID')::text AS valid_bids
         FROM offer o WHERE o.demand_id = ANY($1::uuid[]) AND o.status <> 'WITHDRAWN'
        GROUP BY o.demand_id, o.demand_line_id ORDER BY o.demand_line_id`,
      [ids],
    );
    const bidders: { demand_id: string; id: string; name: string }[] = await this.dataSource.query(
      `SELECT DISTINCT o.demand_id, c.id, c.name
         FROM offer o JOIN organization c ON c.id = o.cooperative_id
        WHERE o.demand_id = ANY($1::uuid[]) AND o.status <> 'WITHDRAWN' ORDER BY c.name, c.id`,
      [ids],
    );
    const orders: {
      id: string;
      demand_id: string;
      number: string;
      cooperative_id: string;
      cooperative_name: string;
      status: PurchaseOrderModel['status'];
      total: string;
      created_at: Date;
      delivery_date: string;
    }[] = await this.dataSource.query(
      `SELECT o.id, o.demand_id, o.number, o.cooperative_id, c.name AS cooperative_name, o.status,
              o.total::text AS total, o.created_at, o.delivery_date::text AS delivery_date
         FROM purchase_order o JOIN organization c ON c.id = o.cooperative_id
        WHERE o.demand_id = ANY($1::uuid[]) ORDER BY o.number, o.id`,
      [ids],
    );
    const orderIds = orders.map((o) => o.id);
    const orderLines: {
      id: string;
      order_id: string;
      demand_line_id: string;
      quantity: string;
      unit_price: string;
    }[] = await this.dataSource.query(
      `SELECT id, order_id, demand_line_id, quantity::text AS quantity, unit_price::text AS unit_price
         FROM order_line WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id`,
      [orderIds],
    );
    const payments: { id: string; order_id: string; amount: string; recorded_at: Date }[] =
      await this.dataSource.query(
        `SELECT p.id, i.order_id, p.amount::text AS amount, p.recorded_at
           FROM payment p JOIN invoice i ON i.id = p.invoice_id
          WHERE i.order_id = ANY($1::uuid[]) ORDER BY p.recorded_at, p.id`,
        [orderIds],
      );
    return demands.map((d) => ({
      id: d.id,
      kitchen: { id: d.kitchen_id, name: d.kitchen_name },
      status: d.status,
      createdAt: d.created_at,
      biddingClosesAt: d.bidding_closes_at,
      deliveryDate: d.delivery_date,
      lines: lines
        .filter((l) => l.demand_id === d.id)
        .map((l) => ({
          id: l.id,
          commodityCode: l.commodity_code,
          commodityName: l.name,
          baseUnit: l.base_unit,
          quantityMilli: decimalTextToMilli(l.quantity),
        })),
      bidCounts: bids
        .filter((b) => b.demand_id === d.id)
        .map((b) => ({
          demandLineId: b.demand_line_id,
          bids: Number(b.bids),
          validBids: Number(b.valid_bids),
        })),
      bidders: bidders.filter((b) => b.demand_id === d.id).map((b) => ({ id: b.id, name: b.name })),
      orders: orders
        .filter((o) => o.demand_id === d.id)
        .map((o) => ({
          id: o.id,
          number: o.number,
          cooperative: { id: o.cooperative_id, name: o.cooperative_name },
          status: o.status,
          total: BigInt(o.total),
          createdAt: o.created_at,
          deliveryDate: o.delivery_date,
          lines: orderLines
            .filter((l) => l.order_id === o.id)
            .map((l) => ({
              id: l.id,
              demandLineId: l.demand_line_id,
              quantityMilli: decimalTextToMilli(l.quantity),
              unitPrice: BigInt(l.unit_price),
            })),
          payments: payments
            .filter((p) => p.order_id === o.id)
            .map((p) => ({ id: p.id, amount: BigInt(p.amount), recordedAt: p.recorded_at })),
        })),
    }));
  }
}

// OCDS 1.1.5 mapping of Pasar Gizi's procurement: a pure function from read models, so the
// shape is unit-testable and the feed is the same wherever the rows come from.

import { milliToNumber, type Milli } from '../../core/src/quantity.js';

// The package's version field is major.minor; 1.1.5 is the 1.1 schema's patch release.
export const OCDS_VERSION = '1.1';
export const OCDS_LICENSE = 'https://creativecommons.org/licenses/by/4.0/';
/** The bids extension carries statistics only: counts of bids and bidders, never a price. */
export const OCDS_BIDS_EXTENSION =
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json';
const COMMODITY_SCHEME = 'x_PasarGizi_commodity';

export interface PartyModel {
  id: string;
  name: string;
}

export interface DemandLineModel {
  id: string;
  commodityCode: string;
  commodityName: string;
  baseUnit: string;
  quantityMilli: Milli;
}

export interface BidCountModel {
  /** Submitted offers (withdrawn ones excluded) per line. */
  demandLineId: string;
  bids: number;
  validBids: number;
}

export interface OrderLineModel {
  id: string;
  demandLineId: string;
  quantityMilli: Milli;
  unitPrice: bigint;
}

export interface PaymentModel {
  id: string;
  amount: bigint;
  recordedAt: Date;
}

export interface PurchaseOrderModel {
  id: string;
  number: string;
  cooperative: PartyModel;
  status: 'CONFIRMED' | 'DECLINED' | 'DISPATCHED' | 'RECEIVED' | 'CANCELLED';
  total: bigint;
  createdAt: Date;
  deliveryDate: string;
  lines: OrderLineModel[];
  payments: PaymentModel[];
}

/** A demand whose bidding has closed and been evaluated: only then are awarded prices public. */
export interface ClosedDemandModel {
  id: string;
  kitchen: PartyModel;
  status: 'AWARDED' | 'PARTIALLY_AWARDED' | 'UNFILLED';
  createdAt: Date;
  biddingClosesAt: Date;
  deliveryDate: string;
  lines: DemandLineModel[];
  bidCounts: BidCountModel[];
  bidders: PartyModel[];
  orders: PurchaseOrderModel[];
}

export interface PackageOptions {
  ocidPrefix: string;
  publisherName: string;
  packageUri: string;
  publishedDate: Date;
}

type Json = Record<string, unknown>;

const money = (amount: bigint): Json => ({ amount: Number(amount), currency: 'IDR' });
const reference = (party: PartyModel): Json => ({ id: party.id, name: party.name });

export function ocidOf(prefix: string, demandId: string): string {
  return `${prefix}-${demandId}`;
}

/** The release package: one compiled release per closed demand, in the order given. */
export function ocdsReleasePackage(demands: readonly ClosedDemandModel[], options: PackageOptions): Json {
  return {
    uri: options.packageUri,
    version: OCDS_VERSION,
    extensions: [OCDS_BIDS_EXTENSION],
    publishedDate: options.publishedDate.toISOString(),
    publisher: { name: options.publisherName },
    license: OCDS_LICENSE,
    publicationPolicy: 'https://github.com/pasar-gizi/pasar-gizi#open-data-and-exports',
    releases: demands.map((demand) => ocdsRelease(demand, options.ocidPrefix)),
  };
}

export function ocdsRelease(demand: ClosedDemandModel, ocidPrefix: string): Json {
  const lineById = new Map(demand.lines.map((line) => [line.id, line]));
  const item = (line: DemandLineModel, quantityMilli: Milli, unitPrice?: bigint): Json => ({
    id: line.id,
    description: line.commodityName,
    classification: { scheme: COMMODITY_SCHEME, id: line.commodityCode, description: line.commodityName },
    quantity: milliToNumber(quantityMilli),
    unit: { name: line.baseUnit, ...(unitPrice === undefined ? {} : { value: money(unitPrice) }) },
  });
  const liveOrders = demand.orders.filter((o) => o.status !== 'DECLINED' && o.status !== 'CANCELLED');
  const byCooperative = new Map<string, PurchaseOrderModel[]>();
  for (const order of demand.orders) {
    byCooperative.set(order.cooperative.id, [...(byCooperative.get(order.cooperative.id) ?? []), order]);
  }
  const awardIdOf = (cooperativeId: string) => `${demand.id}-${cooperativeId}`;
  const awards = [...byCooperative.entries()].map(([cooperativeId, orders]) => {
    const live = orders.filter((o) => liveOrders.includes(o));
    return {
      id: awardIdOf(cooperativeId),
      title: `Award to ${orders[0]!.cooperative.name}`,
      status: live.length > 0 ? 'active' : 'cancelled',
      date: orders[0]!.createdAt.toISOString(),
      value: money(live.reduce((sum, o) => sum + o.total, 0n)),
      suppliers: [reference(orders[0]!.cooperative)],
      items: orders.flatMap((o) =>
        o.lines.map((l) => ({
          ...item(lineById.get(l.demandLineId)!, l.quantityMilli, l.unitPrice),
          id: l.id,
        })),
      ),
    };
  });
  const contracts = demand.orders.map((order) => ({
    id: order.id,
    awardID: awardIdOf(order.cooperative.id),
    title: `Purchase order ${order.number}`,
    status: contractStatus(order.status),
    dateSigned: order.createdAt.toISOString(),
    value: money(order.total),
    period: { startDate: order.createdAt.toISOString(), endDate: endOfDay(order.deliveryDate) },
    items: order.lines.map((l) => ({
      ...item(lineById.get(l.demandLineId)!, l.quantityMilli, l.unitPrice),
      id: l.id,
    })),
    implementation: {
      transactions: order.payments.map((payment) => ({
        id: payment.id,
        source: 'https://pasargizi.id',
        date: payment.recordedAt.toISOString(),
        value: money(payment.amount),
        payer: reference(demand.kitchen),
        payee: reference(order.cooperative),
      })),
    },
  }));
  const bids = demand.bidCounts.reduce(
    (sum, c) => ({ bids: sum.bids + c.bids, valid: sum.valid + c.validBids }),
    { bids: 0, valid: 0 },
  );
  const dates = [
    demand.biddingClosesAt,
    ...demand.orders.map((o) => o.createdAt),
    ...demand.orders.flatMap((o) => o.payments.map((p) => p.recordedAt)),
  ];
  const date = new Date(Math.max(...dates.map((d) => d.getTime())));
  const suppliers = new Map(demand.orders.map((o) => [o.cooperative.id, o.cooperative]));
  const tenderers = new Map(demand.bidders.map((b) => [b.id, b]));
  const parties = [
    { ...reference(demand.kitchen), roles: ['buyer', 'procuringEntity', 'payer'] },
    ...[...new Set([...tenderers.keys(), ...suppliers.keys()])].map((id) => ({
      ...reference((tenderers.get(id) ?? suppliers.get(id))!),
      roles: [
        ...(tenderers.has(id) ? ['tenderer'] : []),
        ...(suppliers.has(id) ? ['supplier', 'payee'] : []),
      ],
    })),
  ];
  return {
    ocid: ocidOf(ocidPrefix, demand.id),
    // A new id whenever the content moves on (a later order or payment), stable otherwise.
    id: `${ocidOf(ocidPrefix, demand.id)}-${date.getTime()}`,
    date: date.toISOString(),
    tag: ['compiled'],
    initiationType: 'tender',
    language: 'en',
    parties,
    buyer: reference(demand.kitchen),
    tender: {
      id: demand.id,
      title: `Ingredients for ${demand.kitchen.name}, delivered ${demand.deliveryDate}`,
      status: demand.status === 'UNFILLED' ? 'unsuccessful' : 'complete',
      procuringEntity: reference(demand.kitchen),
      items: demand.lines.map((line) => item(line, line.quantityMilli)),
      procurementMethod: 'open',
      mainProcurementCategory: 'goods',
      awardCriteria: 'ratedCriteria',
      awardCriteriaDetails: 'Weighted price, quality, distance and reliability',
      submissionMethod: ['electronicSubmission'],
      tenderPeriod: {
        startDate: demand.createdAt.toISOString(),
        endDate: demand.biddingClosesAt.toISOString(),
      },
      contractPeriod: {
        startDate: demand.biddingClosesAt.toISOString(),
        endDate: endOfDay(demand.deliveryDate),
      },
      numberOfTenderers: demand.bidders.length,
      tenderers: demand.bidders.map(reference),
    },
    bids: {
      statistics: [
        { id: `${demand.id}-bids`, measure: 'bids', value: bids.bids },
        { id: `${demand.id}-validBids`, measure: 'validBids', value: bids.valid },
        { id: `${demand.id}-bidders`, measure: 'bidders', value: demand.bidders.length },
        ...demand.bidCounts.map((c) => ({
          id: `${c.demandLineId}-bids`,
          measure: 'bids',
          value: c.bids,
          notes: `Bids for item ${c.demandLineId}`,
        })),
      ],
    },
    awards,
    contracts,
  };
}

function contractStatus(status: PurchaseOrderModel['status']): string {
  if (status === 'DECLINED' || status === 'CANCELLED') return 'cancelled';
  return status === 'RECEIVED' ? 'terminated' : 'active';
}

/** The delivery day's end in Kota Blitar (WIB, UTC+7). */
function endOfDay(date: string): string {
  return `${date}T23:59:59+07:00`;
}

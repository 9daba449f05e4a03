import DataLoader from 'dataloader';
import type { CatalogService } from '../../../../libs/catalog/src/catalog.service.js';
import type { IdentityService } from '../../../../libs/identity/src/identity.service.js';
import type { DemandService } from '../../../../libs/market/src/demand.service.js';
import type { OfferService } from '../../../../libs/market/src/offer.service.js';
import type { StockLotService } from '../../../../libs/market/src/stock-lot.service.js';
import type { OrdersService } from '../../../../libs/orders/src/orders.service.js';
import type {
  EvaluationReadService,
  EvaluationView,
  OfferVisibility,
} from '../../../../libs/market/src/evaluation-read.service.js';
import { requireActor, type Actor } from '../../../../libs/identity/src/actor.js';
import type { TradeService } from '../../../../libs/trade/src/trade.service.js';
import type { SettlementService } from '../../../../libs/settlement/src/settlement.service.js';
import type {
  CommodityEntity,
  CommodityUnitEntity,
  DemandLineEntity,
  DemandRequestEntity,
  OfferEntity,
  OrderLineEntity,
  OrganizationEntity,
  PurchaseOrderEntity,
  StockLotEntity,
  UserEntity,
  ConsignmentPayableEntity,
  TradeAllotmentEntity,
  TradeContractEntity,
  TradePledgeEntity,
  TradeShipmentEntity,
} from '../../../../libs/database/src/entities/index.js';

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | Error)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? new Error(`Not found: ${String(key)}`));
}

function groupBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) map.set(keyOf(row), [...(map.get(keyOf(row)) ?? []), row]);
  return keys.map((key) => map.get(key) ?? []);
}

export interface LoaderServices {
  identity: IdentityService;
  catalog: CatalogService;
  demands: DemandService;
  offers: OfferService;
  stockLots: StockLotService;
  orders: OrdersService;
  evaluations: EvaluationReadService;
  trade: TradeService;
  settlement: SettlementService;
}

/**
 * Fresh per request: batching within one query, no cache shared between users. `viewer` is
 * the request's actor (known once the operation is validated); loaders of things with
 * visibility rules pass it to the service, which applies the rules.
 */
export function createLoaders(services: LoaderServices, viewer: () => Actor | null) {
  const { identity, catalog, demands, offers, stockLots, orders, evaluations, trade, settlement } = services;
  return {
    organization: new DataLoader<string, OrganizationEntity>(async (ids) =>
      byKey(ids, await identity.organizationsByIds(ids), (row) => row.id),
    ),
    user: new DataLoader<string, UserEntity>(async (ids) =>
      byKey(ids, await identity.usersByIds(ids), (row) => row.id),
    ),
    commodity: new DataLoader<string, CommodityEntity>(async (codes) =>
      byKey(codes, await catalog.commoditiesByCodes(codes), (row) => row.code),
    ),
    unitsOfCommodity: new DataLoader<string, CommodityUnitEntity[]>(async (codes) =>
      groupBy(codes, await catalog.unitsByCommodityCodes(codes), (row) => row.commodityCode),
    ),
    demand: new DataLoader<string, DemandRequestEntity>(async (ids) =>
      byKey(ids, await demands.demandsByIds(ids), (row) => row.id),
    ),
    demandLine: new DataLoader<string, DemandLineEntity>(async (ids) =>
      byKey(ids, await demands.linesByIds(ids), (row) => row.id),
    ),
    linesOfDemand: new DataLoader<string, DemandLineEntity[]>(async (ids) =>
      groupBy(ids, await demands.linesByDemandIds(ids), (row) => row.demandId),
    ),
    offer: new DataLoader<string, OfferEntity>(async (ids) =>
      byKey(ids, await offers.offersByIds(ids), (row) => row.id),
    ),
    stockLot: new DataLoader<string, StockLotEntity>(async (ids) =>
      byKey(ids, await stockLots.stockLotsByIds(ids), (row) => row.id),
    ),
    /** Offer counts per line, all cooperatives (kitchens and coordinators). */
    offerCount: new DataLoader<string, number>(async (ids) => {
      const counts = await offers.offerCountsByLineIds(ids, null);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    /** Offer counts per line for one cooperative: its own. Key: `${cooperativeId}/${lineId}`. */
    ownOfferCount: new DataLoader<string, number>(async (keys) => {
      const cooperativeId = keys[0]!.split('/')[0]!;
      const lineIds = keys.map((key) => key.split('/')[1]!);
      const counts = await offers.offerCountsByLineIds(lineIds, cooperativeId);
      return lineIds.map((id) => counts.get(id) ?? 0);
    }),
    /** The evaluations of a line the viewer may see, as it may see them. */
    visibleEvaluationsOfLine: new DataLoader<string, EvaluationView[]>(async (ids) => {
      const views = await evaluations.visibleEvaluationsByLineIds(requireActor(viewer()), ids);
      return ids.map((id) => views.get(id) ?? []);
    }),
    /** What the viewer may see of an offer (its price, its lot). */
    offerVisibility: new DataLoader<string, OfferVisibility>(async (ids) => {
      const views = await evaluations.offerVisibilityByIds(requireActor(viewer()), ids);
      return ids.map((id) => views.get(id) ?? new Error(`Not found: ${id}`));
    }),
    /** The awards on a line the viewer may see. */
    visibleAwardsOfLine: new DataLoader<string, OrderLineEntity[]>(async (ids) =>
      groupBy(
        ids,
        await orders.visibleAwardsByDemandLineIds(requireActor(viewer()), ids),
        (row) => row.demandLineId,
      ),
    ),
    order: new DataLoader<string, PurchaseOrderEntity>(async (ids) =>
      byKey(ids, await orders.ordersByIds(ids), (row) => row.id),
    ),
    orderLine: new DataLoader<string, OrderLineEntity>(async (ids) =>
      byKey(ids, await orders.orderLinesByIds(ids), (row) => row.id),
    ),
    linesOfOrder: new DataLoader<string, OrderLineEntity[]>(async (ids) =>
      groupBy(ids, await orders.linesByOrderIds(ids), (row) => row.orderId),
    ),
    tradeContract: new DataLoader<string, TradeContractEntity>(async (ids) =>
      byKey(ids, await trade.contractsByIds(ids), (row) => row.id),
    ),
    shipment: new DataLoader<string, TradeShipmentEntity>(async (ids) =>
      byKey(ids, await trade.shipmentsByIds(ids), (row) => row.id),
    ),
    shipmentsOfContract: new DataLoader<string, TradeShipmentEntity[]>(async (ids) =>
      groupBy(ids, await trade.shipmentsByContractIds(ids), (row) => row.contractId),
    ),
    pledge: new DataLoader<string, TradePledgeEntity>(async (ids) =>
      byKey(ids, await trade.pledgesByIds(ids), (row) => row.id),
    ),
    pledgesOfShipment: new DataLoader<string, TradePledgeEntity[]>(async (ids) =>
      groupBy(ids, await trade.pledgesByShipmentIds(ids), (row) => row.shipmentId),
    ),
    allotmentsOfShipment: new DataLoader<string, TradeAllotmentEntity[]>(async (ids) =>
      groupBy(ids, await trade.allotmentsByShipmentIds(ids), (row) => row.shipmentId),
    ),
    payablesOfAllotment: new DataLoader<string, ConsignmentPayableEntity[]>(async (ids) =>
      groupBy(ids, await settlement.payablesByTradeAllotmentIds(ids), (row) => row.tradeAllotmentId!),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

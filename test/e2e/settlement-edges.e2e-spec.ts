import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MarketEvaluationService } from '../../libs/market/src/market-evaluation.service.js';
import { ShortfallService } from '../../libs/market/src/shortfall.service.js';
import { expectQuantityInvariants } from '../support/invariants.js';
import {
  daysFromNow,
  errorCode,
  eventually,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from '../support/test-app.js';

/**
 * The edges of settlement, end to end on the real API, worker, Postgres and Redis: receipts
 * that must change nothing, shortfalls (re-tender, alert, idempotent job), lateness and
 * reliability, consignment returns and books, the kitchen's funding cycle, payment input,
 * and a coordinator's cancellation. Each test sets up its own demand, lots and offers, with
 * its own kitchen and cooperatives so that no test's history leaks into another's figures.
 */

const kitchen = (ward: string) => `sppg.${ward}@pasargizi.test`;
const cooperative = (ward: string) => `kkmp.${ward}@pasargizi.test`;
const COORDINATOR = 'koordinator@pasargizi.test';
const CITY = '35.72';

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status deliverBy lines { id quantity commodity { code } } }
}`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`;
const CANCEL = `mutation($id: ID!) { cancelDemand(id: $id) { id status } }`;
const DEMAND = `query($id: ID!) { demand(id: $id) {
  id status replaces { id } lines { id quantity awardedQuantity commodity { code } } } }`;
const MY_DEMANDS = `query($status: DemandStatus) { myDemands(status: $status, first: 200) { edges { node {
  id status note replaces { id } lines { id quantity commodity { code } } } } } }`;
const MY_OFFERS = `{ myOffers(first: 200) { edges { node { id status } } } }`;
const OPEN_LINES = `query($code: String) { openDemandLines(commodityCode: $code, first: 200) { edges { node {
  id quantity commodity { code } demand { id } } } } }`;
const ORDERS = `{ purchaseOrders(first: 200) { edges { node {
  id number status total late deliverBy receivedAt cooperative { id name } kitchen { id }
  lines { id quantity unitPrice acceptedQuantity rejectedQuantity commodity { code } stockLot { id } } } } } }`;
const DISPATCH = `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`;
const DECLINE = `mutation($id: ID!) { declineOrder(id: $id, reason: "Truk rusak / truck broke down") { status } }`;
const RECEIVE = `mutation($input: ReceiveOrderInput!) { receiveOrder(input: $input) {
  id status late receivedAt lines { id acceptedQuantity rejectedQuantity rejectionReason } } }`;
const INVOICES = `{ invoices(first: 200) { totalCount edges { node { id number total paid status order { id } } } } }`;
const PAY = `mutation($id: ID!, $amount: Rupiah!, $ref: String!) {
  recordPayment(invoiceId: $id, amount: $amount, reference: $ref) { id paid status } }`;
const RETURN_STOCK = `mutation($id: ID!, $note: String!) {
  returnConsignmentStock(stockLotId: $id, note: $note) { id source returnedAt } }`;
const ALERTS = `query($region: String!) { alerts(regionCode: $region) { id kind regionCode entityId message } }`;

interface OrderLine {
  id: string;
  quantity: number;
  unitPrice: number;
  acceptedQuantity: number | null;
  rejectedQuantity: number | null;
  commodity: { code: string };
  stockLot: { id: string };
}

interface Order {
  id: string;
  number: string;
  status: string;
  total: number;
  late: boolean | null;
  deliverBy: string;
  receivedAt: string | null;
  cooperative: { id: string; name: string };
  kitchen: { id: string };
  lines: OrderLine[];
}

interface Invoice {
  id: string;
  number: string;
  total: number;
  paid: number;
  status: string;
  order: { id: string };
}

interface PostedDemand {
  id: string;
  status: string;
  deliverBy: string;
  lines: { id: string; quantity: number; commodity: { code: string } }[];
}

interface DemandInput {
  deliveryDate: string;
  lines: { commodityCode: string; quantity: number }[];
  biddingClosesAt?: string;
  deliverBy?: string;
}

type Variables = Record<string, unknown>;

/** One running system seen by its users (GraphQL, each as themselves) and by an auditor (SQL). */
class Market {
  readonly db: DataSource;
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(readonly system: TestSystem) {
    this.db = system.api.get<DataSource>(getDataSourceToken());
  }

  token(email: string): Promise<string> {
    let token = this.tokens.get(email);
    if (!token) {
      token = this.system.login(email);
      this.tokens.set(email, token);
    }
    return token;
  }

  async ok<T = Record<string, any>>(email: string, query: string, variables: Variables = {}): Promise<T> {
    return this.system.ok<T>(query, variables, { token: await this.token(email) });
  }

  async request(email: string, query: string, variables: Variables = {}): Promise<GraphQLResult> {
    return this.system.request(query, variables, { token: await this.token(email) });
  }

  async sql<T = Record<string, any>>(query: string, parameters: unknown[] = []): Promise<T[]> {
    return (await this.db.query(query, parameters)) as T[];
  }

  async postDemand(kitchenEmail: string, input: DemandInput): Promise<PostedDemand> {
    const data = await this.ok<{ postDemand: PostedDemand }>(kitchenEmail, POST_DEMAND, {
      input: { biddingClosesAt: secondsFromNow(600), ...input },
    });
    return data.postDemand;
  }

  async lot(cooperativeEmail: string, input: Variables): Promise<string> {
    const data = await this.ok<{ addStockLot: { id: string } }>(cooperativeEmail, ADD_LOT, {
      input: { grade: 'A', source: 'OWN', ...input },
    });
    return data.addStockLot.id;
  }

  async offer(
    cooperativeEmail: string,
    demandLineId: string,
    stockLotId: string,
    quantity: number,
    unitPrice: number,
  ): Promise<string> {
    const data = await this.ok<{ submitOffer: { id: string } }>(cooperativeEmail, SUBMIT, {
      input: { demandLineId, stockLotId, quantity, unitPrice },
    });
    return data.submitOffer.id;
  }

  /** Closes bidding now (as the owner kitchen) and waits for the worker's award. */
  async closeAndAward(kitchenEmail: string, demandId: string): Promise<void> {
    const closed = await this.ok(kitchenEmail, CLOSE, { id: demandId });
    expect(closed.closeBidding.status).toBe('EVALUATING');
    await eventually(async () => (await this.demandStatus(kitchenEmail, demandId)) === 'AWARDED');
  }

  async demandStatus(email: string, demandId: string): Promise<string> {
    return (await this.ok(email, DEMAND, { id: demandId })).demand.status;
  }

  async orders(email: string): Promise<Order[]> {
    const data = await this.ok(email, ORDERS);
    return data.purchaseOrders.edges.map((edge: { node: Order }) => edge.node);
  }

  async order(email: string, orderId: string): Promise<Order> {
    const order = (await this.orders(email)).find((o) => o.id === orderId);
    if (!order) throw new Error(`order ${orderId} is not visible to ${email}`);
    return order;
  }

  /** The one order the cooperative holds in the given status (each test has its own cooperatives). */
  async onlyOrder(cooperativeEmail: string, status = 'CONFIRMED'): Promise<Order> {
    const orders = (await this.orders(cooperativeEmail)).filter((o) => o.status === status);
    expect(orders).toHaveLength(1);
    return orders[0]!;
  }

  async dispatch(cooperativeEmail: string, orderId: string): Promise<void> {
    const data = await this.ok(cooperativeEmail, DISPATCH, { id: orderId });
    expect(data.dispatchOrder.status).toBe('DISPATCHED');
  }

  async receive(kitchenEmail: string, input: Variables): Promise<GraphQLResult> {
    return this.request(kitchenEmail, RECEIVE, { input });
  }

  async invoices(email: string): Promise<Invoice[]> {
    const data = await this.ok(email, INVOICES);
    return data.invoices.edges.map((edge: { node: Invoice }) => edge.node);
  }

  async invoiceOf(email: string, orderId: string): Promise<Invoice | undefined> {
    return (await this.invoices(email)).find((invoice) => invoice.order.id === orderId);
  }

  async myOfferStatus(cooperativeEmail: string, offerId: string): Promise<string | undefined> {
    const data = await this.ok(cooperativeEmail, MY_OFFERS);
    return data.myOffers.edges.find((edge: { node: { id: string } }) => edge.node.id === offerId)?.node
      .status;
  }

  /**
   * One kitchen, one cooperative, one line: posted, offered, closed, awarded and (unless told
   * otherwise) dispatched. Returns the demand, the lot and the cooperative's order.
   */
  async singleSupplierOrder(options: {
    kitchen: string;
    cooperative: string;
    commodityCode: string;
    quantity: number;
    unitPrice: number;
    deliveryDate: string;
    deliverBy?: string;
    biddingClosesAt?: string;
    lot?: Variables;
    dispatch?: boolean;
  }): Promise<{ demand: PostedDemand; lotId: string; order: Order }> {
    const demand = await this.postDemand(options.kitchen, {
      deliveryDate: options.deliveryDate,
      ...(options.biddingClosesAt ? { biddingClosesAt: options.biddingClosesAt } : {}),
      ...(options.deliverBy ? { deliverBy: options.deliverBy } : {}),
      lines: [{ commodityCode: options.commodityCode, quantity: options.quantity }],
    });
    const lotId = await this.lot(options.cooperative, {
      commodityCode: options.commodityCode,
      quantity: options.quantity + 10,
      ...options.lot,
    });
    await this.offer(options.cooperative, demand.lines[0]!.id, lotId, options.quantity, options.unitPrice);
    await this.closeAndAward(options.kitchen, demand.id);
    const order = await this.onlyOrder(options.cooperative);
    expect(order.lines).toHaveLength(1);
    expect(order.lines[0]).toMatchObject({ quantity: options.quantity, unitPrice: options.unitPrice });
    if (options.dispatch !== false) await this.dispatch(options.cooperative, order.id);
    return { demand, lotId, order };
  }

  async shortfallsFrom(sourceId: string) {
    return this.sql<{ id: string; status: string; quantity: string; retender_demand_id: string | null }>(
      'select id, status, quantity::text as quantity, retender_demand_id from shortfall where source_id = $1',
      [sourceId],
    );
  }

  async resolvedShortfall(sourceId: string) {
    return eventually(async () => {
      const rows = await this.shortfallsFrom(sourceId);
      return rows.length === 1 && rows[0]!.status === 'RESOLVED' ? rows[0]! : undefined;
    });
  }

  async reawardOrders(shortfallId: string): Promise<number> {
    const [row] = await this.sql<{ n: string }>(
      'select count(*) as n from purchase_order where shortfall_id = $1',
      [shortfallId],
    );
    return Number(row!.n);
  }

  async reserved(lotId: string): Promise<string> {
    const [row] = await this.sql<{ reserved: string }>(
      'select reserved_quantity::text as reserved from stock_lot where id = $1',
      [lotId],
    );
    return row!.reserved;
  }
}

async function sleepUntil(instant: string, marginMs = 250): Promise<void> {
  const wait = new Date(instant).getTime() + marginMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

describe('settlement edges, with the worker running', () => {
  let system: TestSystem;
  let market: Market;

  beforeAll(async () => {
    system = await TestSystem.start();
    market = new Market(system);
  });
  afterEach(async () => expectQuantityInvariants(system.api.get<DataSource>(getDataSourceToken())));
  afterAll(async () => system?.stop());

  it('a receipt with bad input changes nothing', async () => {
    const k = kitchen('kepanjenkidul');
    const otherKitchen = kitchen('bendogerit');
    const a = cooperative('ngadirejo');
    const b = cooperative('kauman');
    const demand = await market.postDemand(k, {
      deliveryDate: daysFromNow(5),
      lines: [
        { commodityCode: 'RICE_MEDIUM', quantity: 100 },
        { commodityCode: 'EGG', quantity: 20.5 },
        { commodityCode: 'CARROT', quantity: 30 },
      ],
    });
    const line = (code: string) => demand.lines.find((l) => l.commodity.code === code)!.id;
    const riceLot = await market.lot(a, { commodityCode: 'RICE_MEDIUM', quantity: 150 });
    const eggLot = await market.lot(a, { commodityCode: 'EGG', quantity: 30 });
    const carrotLot = await market.lot(b, { commodityCode: 'CARROT', quantity: 40 });
    await market.offer(a, line('RICE_MEDIUM'), riceLot, 100, 13000);
    await market.offer(a, line('EGG'), eggLot, 20.5, 28000);
    await market.offer(b, line('CARROT'), carrotLot, 30, 9000);
    await market.closeAndAward(k, demand.id);

    const orderA = await market.onlyOrder(a);
    const orderB = await market.onlyOrder(b);
    await market.dispatch(a, orderA.id);
    const rice = orderA.lines.find((l) => l.commodity.code === 'RICE_MEDIUM')!;
    const egg = orderA.lines.find((l) => l.commodity.code === 'EGG')!;
    const carrot = orderB.lines[0]!;
    const fullRice = { orderLineId: rice.id, acceptedQuantity: 100, rejectedQuantity: 0 };
    const fullEgg = { orderLineId: egg.id, acceptedQuantity: 20.5, rejectedQuantity: 0 };
    const good = { orderId: orderA.id, lines: [fullRice, fullEgg] };

    const attempts: [string, string, Variables, string][] = [
      [
        'receive before dispatch',
        k,
        {
          orderId: orderB.id,
          lines: [{ orderLineId: carrot.id, acceptedQuantity: 30, rejectedQuantity: 0 }],
        },
        'CONFLICT',
      ],
      [
        'negative accepted quantity',
        k,
        {
          orderId: orderA.id,
          lines: [
            { ...fullRice, acceptedQuantity: -10, rejectedQuantity: 110, rejectionReason: 'busuk' },
            fullEgg,
          ],
        },
        'BAD_USER_INPUT',
      ],
      [
        'accepted + rejected below the ordered quantity',
        k,
        {
          orderId: orderA.id,
          lines: [
            { ...fullRice, acceptedQuantity: 90, rejectedQuantity: 5, rejectionReason: 'basah' },
            fullEgg,
          ],
        },
        'BAD_USER_INPUT',
      ],
      [
        'accepted + rejected above the ordered quantity',
        k,
        {
          orderId: orderA.id,
          lines: [
            fullRice,
            { ...fullEgg, acceptedQuantity: 20.5, rejectedQuantity: 1, rejectionReason: 'retak' },
          ],
        },
        'BAD_USER_INPUT',
      ],
      [
        'rejected without a reason',
        k,
        { orderId: orderA.id, lines: [{ ...fullRice, acceptedQuantity: 90, rejectedQuantity: 10 }, fullEgg] },
        'BAD_USER_INPUT',
      ],
      [
        'rejected with a blank reason',
        k,
        {
          orderId: orderA.id,
          lines: [
            { ...fullRice, acceptedQuantity: 90, rejectedQuantity: 10, rejectionReason: '   ' },
            fullEgg,
          ],
        },
        'BAD_USER_INPUT',
      ],
      [
        'a line of another order',
        k,
        {
          orderId: orderA.id,
          lines: [fullRice, fullEgg, { orderLineId: carrot.id, acceptedQuantity: 30, rejectedQuantity: 0 }],
        },
        'BAD_USER_INPUT',
      ],
      ['a missing line', k, { orderId: orderA.id, lines: [fullRice] }, 'BAD_USER_INPUT'],
      ['a line given twice', k, { orderId: orderA.id, lines: [fullRice, fullRice] }, 'BAD_USER_INPUT'],
      ['no lines at all', k, { orderId: orderA.id, lines: [] }, 'BAD_USER_INPUT'],
      ['another kitchen receiving', otherKitchen, good, 'NOT_FOUND'],
      ['the cooperative receiving its own order', a, good, 'FORBIDDEN'],
    ];

    for (const [label, who, input, code] of attempts) {
      const result = await market.receive(who, input);
      expect({ label, code: errorCode(result) }).toEqual({ label, code });
      const [nowA, nowB] = await Promise.all([market.order(k, orderA.id), market.order(k, orderB.id)]);
      expect({ label, status: nowA.status, receivedAt: nowA.receivedAt }).toEqual({
        label,
        status: 'DISPATCHED',
        receivedAt: null,
      });
      expect({ label, accepted: nowA.lines.map((l) => l.acceptedQuantity) }).toEqual({
        label,
        accepted: [null, null],
      });
      expect({ label, status: nowB.status }).toEqual({ label, status: 'CONFIRMED' });
      expect({ label, invoices: (await market.invoices(k)).length }).toEqual({ label, invoices: 0 });
    }
    const sideEffects = await market.sql<{ shortfalls: string; payables: string; received: string }>(
      `select (select count(*) from shortfall where source_id = any($1::uuid[])) as shortfalls,
              (select count(*) from consignment_payable where order_line_id = any($1::uuid[])) as payables,
              (select count(*) from audit_entry where entity_id = any($2::uuid[]) and action = 'order.received') as received`,
      [
        [rice.id, egg.id, carrot.id],
        [orderA.id, orderB.id],
      ],
    );
    expect(sideEffects[0]).toEqual({ shortfalls: '0', payables: '0', received: '0' });
    expect(await market.reserved(riceLot)).toBe('100.000');

    // The same receipt, given right, goes through once.
    const received = await market.receive(k, good);
    expect(received.errors).toBeUndefined();
    expect(received.data!.receiveOrder).toMatchObject({ status: 'RECEIVED', late: false });
    const [invoice] = await market.invoices(k);
    expect(invoice).toMatchObject({ total: 100 * 13000 + 20.5 * 28000, paid: 0, status: 'ISSUED' });
    expect(invoice!.order.id).toBe(orderA.id);
  });

  it('rejected quantity with no standing offer and time to spare becomes an urgent re-tender', async () => {
    const k = kitchen('sentul');
    const supplier = cooperative('tanggung');
    const bystander = cooperative('kepanjenlor');
    const { demand, order } = await market.singleSupplierOrder({
      kitchen: k,
      cooperative: supplier,
      commodityCode: 'SPINACH',
      quantity: 40,
      unitPrice: 12000,
      deliveryDate: daysFromNow(6),
    });
    const received = await market.receive(k, {
      orderId: order.id,
      lines: [
        {
          orderLineId: order.lines[0]!.id,
          acceptedQuantity: 32,
          rejectedQuantity: 8,
          rejectionReason: 'Layu / wilted',
        },
      ],
    });
    expect(received.errors).toBeUndefined();
    expect((await market.invoiceOf(k, order.id))!.total).toBe(32 * 12000);

    const shortfall = await market.resolvedShortfall(order.lines[0]!.id);
    expect(shortfall.quantity).toBe('8.000');
    expect(shortfall.retender_demand_id).not.toBeNull();
    expect(await market.reawardOrders(shortfall.id)).toBe(0);

    const open = await market.ok(k, MY_DEMANDS, { status: 'OPEN' });
    const retenders = open.myDemands.edges
      .map((edge: { node: any }) => edge.node)
      .filter((d: { replaces: { id: string } | null }) => d.replaces?.id === demand.id);
    expect(retenders).toHaveLength(1);
    const retender = retenders[0];
    expect(retender.id).toBe(shortfall.retender_demand_id);
    expect(retender.status).toBe('OPEN');
    expect(retender.lines).toEqual([{ id: expect.any(String), quantity: 8, commodity: { code: 'SPINACH' } }]);
    const viaDemand = await market.ok(k, DEMAND, { id: retender.id });
    expect(viaDemand.demand.replaces).toEqual({ id: demand.id });

    // Other cooperatives of the market see it and can offer on it. The demand it replaces is
    // not theirs to see (they never offered on it): `replaces` is null for them, not an error.
    const lines = await market.request(
      bystander,
      `{ openDemandLines(commodityCode: "SPINACH", first: 200) { edges { node {
        id quantity demand { id replaces { id } } } } } }`,
    );
    expect(lines.errors).toBeUndefined();
    const seen = lines.data!.openDemandLines.edges.find(
      (edge: { node: { id: string } }) => edge.node.id === retender.lines[0].id,
    );
    expect(seen?.node).toEqual({
      id: retender.lines[0].id,
      quantity: 8,
      demand: { id: retender.id, replaces: null },
    });
    const failed = await market.request(
      supplier,
      `query($id: ID!) { demand(id: $id) { id replaces { id } } }`,
      { id: retender.id },
    );
    expect(failed.errors).toBeUndefined();
    expect(failed.data!.demand).toEqual({ id: retender.id, replaces: { id: demand.id } });
    const bystanderLot = await market.lot(bystander, { commodityCode: 'SPINACH', quantity: 10 });
    await market.offer(bystander, retender.lines[0].id, bystanderLot, 8, 12500);
  });

  it('rejected quantity too close to deliverBy alerts the coordinators instead of re-tendering', async () => {
    const k = kitchen('bendo');
    const supplier = cooperative('blitar');
    const { demand, order } = await market.singleSupplierOrder({
      kitchen: k,
      cooperative: supplier,
      commodityCode: 'CHICKEN',
      quantity: 25,
      unitPrice: 38000,
      deliveryDate: daysFromNow(1),
      biddingClosesAt: secondsFromNow(30),
      deliverBy: secondsFromNow(3600),
    });
    const received = await market.receive(k, {
      orderId: order.id,
      lines: [
        {
          orderLineId: order.lines[0]!.id,
          acceptedQuantity: 20,
          rejectedQuantity: 5,
          rejectionReason: 'Bau tidak segar / off smell',
        },
      ],
    });
    expect(received.errors).toBeUndefined();
    expect(received.data!.receiveOrder.late).toBe(false);

    const alert = await eventually(async () => {
      const data = await market.ok(COORDINATOR, ALERTS, { region: CITY });
      return data.alerts.find(
        (a: { kind: string; entityId: string }) =>
          a.kind === 'SHORTFALL_UNCOVERED' && a.entityId === demand.id,
      );
    });
    expect(alert.regionCode).toBe(CITY);
    expect(alert.message).toContain('CHICKEN');
    const shortfall = await market.resolvedShortfall(order.lines[0]!.id);
    expect(shortfall.retender_demand_id).toBeNull();
    expect(await market.reawardOrders(shortfall.id)).toBe(0);

    const all = await market.ok(k, MY_DEMANDS, {});
    expect(
      all.myDemands.edges.filter((edge: { node: { replaces: { id: string } | null } }) => edge.node.replaces),
    ).toEqual([]);
    expect(errorCode(await market.request(k, ALERTS, { region: CITY }))).toBe('FORBIDDEN');
    expect(errorCode(await market.request(supplier, ALERTS, { region: CITY }))).toBe('FORBIDDEN');
  });

  it('a late receipt is marked late, lowers the on-time rate and the cooperative’s reliability', async () => {
    const k = kitchen('pakunden');
    const lateSupplier = cooperative('karangsari');
    const newcomer = cooperative('plosokerep');
    const deliveryDate = daysFromNow(7);
    const { order } = await market.singleSupplierOrder({
      kitchen: k,
      cooperative: lateSupplier,
      commodityCode: 'POTATO',
      quantity: 50,
      unitPrice: 10000,
      deliveryDate,
      biddingClosesAt: secondsFromNow(5),
      deliverBy: secondsFromNow(8),
    });
    expect(order.late).toBeNull();
    await sleepUntil(order.deliverBy);
    const received = await market.receive(k, {
      orderId: order.id,
      lines: [{ orderLineId: order.lines[0]!.id, acceptedQuantity: 50, rejectedQuantity: 0 }],
    });
    expect(received.errors).toBeUndefined();
    expect(received.data!.receiveOrder).toMatchObject({ status: 'RECEIVED', late: true });
    expect((await market.order(k, order.id)).late).toBe(true);

    const report = await market.ok(
      COORDINATOR,
      `query($d: Date!) { fulfilmentReport(regionCode: "35.72", from: $d, to: $d) { receivedQuantity onTimeRate } }`,
      { d: deliveryDate },
    );
    expect(report.fulfilmentReport.receivedQuantity).toBe(50);
    expect(report.fulfilmentReport.onTimeRate).toBeLessThan(1);

    // A later evaluation: the late cooperative's one received line counts against it.
    const next = await market.postDemand(k, {
      deliveryDate: daysFromNow(8),
      lines: [{ commodityCode: 'POTATO', quantity: 40 }],
    });
    const lateLot = await market.lot(lateSupplier, { commodityCode: 'POTATO', quantity: 45 });
    const newLot = await market.lot(newcomer, { commodityCode: 'POTATO', quantity: 45 });
    await market.offer(lateSupplier, next.lines[0]!.id, lateLot, 40, 10000);
    await market.offer(newcomer, next.lines[0]!.id, newLot, 40, 10000);
    await market.closeAndAward(k, next.id);
    const view = await market.ok(
      k,
      `query($id: ID!) { demand(id: $id) { lines { evaluations { reliabilityScore offer { cooperative { name } } } } } }`,
      { id: next.id },
    );
    const evaluations: { reliabilityScore: number; offer: { cooperative: { name: string } } }[] =
      view.demand.lines[0].evaluations;
    expect(evaluations).toHaveLength(2);
    const scoreOf = (ward: string) =>
      evaluations.find((e) => e.offer.cooperative.name.endsWith(ward))!.reliabilityScore;
    expect(scoreOf('Karangsari')).toBeLessThan(0.9);
    expect(scoreOf('Karangsari')).toBeCloseTo(9 / 11, 9);
    expect(scoreOf('Plosokerep')).toBeCloseTo(0.9, 9);
  });

  it('the resolve-shortfall job does nothing for a shortfall already resolved', async () => {
    const k = kitchen('tlumpu');
    const decliner = cooperative('karangtengah');
    const runnerUp = cooperative('tlumpu');
    const demand = await market.postDemand(k, {
      deliveryDate: daysFromNow(9),
      lines: [{ commodityCode: 'CABBAGE', quantity: 60 }],
    });
    const declinerLot = await market.lot(decliner, { commodityCode: 'CABBAGE', quantity: 70 });
    const runnerUpLot = await market.lot(runnerUp, { commodityCode: 'CABBAGE', quantity: 80 });
    await market.offer(decliner, demand.lines[0]!.id, declinerLot, 60, 8000);
    await market.offer(runnerUp, demand.lines[0]!.id, runnerUpLot, 60, 11000);
    await market.closeAndAward(k, demand.id);
    const order = await market.onlyOrder(decliner);
    expect((await market.ok(decliner, DECLINE, { id: order.id })).declineOrder.status).toBe('DECLINED');

    const reaward = await eventually(async () =>
      (await market.orders(runnerUp)).find((o) => o.status === 'CONFIRMED'),
    );
    expect(reaward.lines[0]).toMatchObject({ quantity: 60, unitPrice: 11000 });
    const shortfall = await market.resolvedShortfall(order.id);
    expect(await market.reawardOrders(shortfall.id)).toBe(1);
    const ordersBefore = (await market.orders(k)).length;

    const again = await system.worker!.get(ShortfallService).resolve(shortfall.id);
    expect(again.resolved).toBe(false);
    expect(again.alerted).toBe(false);
    expect(await market.reawardOrders(shortfall.id)).toBe(1);
    expect((await market.orders(k)).length).toBe(ordersBefore);
    expect(await market.reserved(runnerUpLot)).toBe('60.000');
    expect(await market.reserved(declinerLot)).toBe('0.000');
    const [line] = await market.sql<{ awarded: string }>(
      'select awarded_quantity::text as awarded from demand_line where id = $1',
      [demand.lines[0]!.id],
    );
    expect(line!.awarded).toBe('60.000');
  });

  it('returning consignment stock closes the lot; the books show sold, owed, paid and margins', async () => {
    const k = kitchen('tanjungsari');
    const coop = cooperative('gedog');
    const stranger = cooperative('sananwetan');
    const consignors = await market.ok(
      coop,
      `{ organizations(kind: CONSIGNOR, first: 50) { edges { node { id name } } } }`,
    );
    const tempe = consignors.organizations.edges.find((e: { node: { name: string } }) =>
      e.node.name.includes('Tempe'),
    ).node as { id: string; name: string };
    const consigned = (quantity: number, unitCost: number) => ({
      commodityCode: 'TEMPEH',
      quantity,
      source: 'CONSIGNMENT',
      consignorId: tempe.id,
      unitCost,
    });

    // 1. A consigned lot with a standing offer goes back to its consignor.
    const open = await market.postDemand(k, {
      deliveryDate: daysFromNow(10),
      lines: [{ commodityCode: 'TEMPEH', quantity: 40 }],
    });
    const unsold = await market.lot(coop, consigned(50, 6000));
    const ownLot = await market.lot(coop, { commodityCode: 'TEMPEH', quantity: 30 });
    const standing = await market.offer(coop, open.lines[0]!.id, unsold, 30, 9000);
    expect(errorCode(await market.request(coop, RETURN_STOCK, { id: unsold, note: '  ' }))).toBe(
      'BAD_USER_INPUT',
    );
    const returned = await market.ok(coop, RETURN_STOCK, { id: unsold, note: 'Tidak laku / unsold' });
    expect(returned.returnConsignmentStock).toMatchObject({ id: unsold, source: 'CONSIGNMENT' });
    expect(Number.isNaN(Date.parse(returned.returnConsignmentStock.returnedAt))).toBe(false);
    const lots = await market.ok(
      coop,
      `{ myStockLots(commodityCode: "TEMPEH") { edges { node { id returnedAt } } } }`,
    );
    const lotView = lots.myStockLots.edges.find((e: { node: { id: string } }) => e.node.id === unsold).node;
    expect(lotView.returnedAt).toBe(returned.returnConsignmentStock.returnedAt);
    expect(await market.myOfferStatus(coop, standing)).toBe('WITHDRAWN');
    const fromReturned = await market.request(coop, SUBMIT, {
      input: { demandLineId: open.lines[0]!.id, stockLotId: unsold, quantity: 10, unitPrice: 9000 },
    });
    expect(errorCode(fromReturned)).toBe('CONFLICT');
    expect(errorCode(await market.request(coop, RETURN_STOCK, { id: ownLot, note: 'milik sendiri' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await market.request(coop, RETURN_STOCK, { id: unsold, note: 'lagi / again' }))).toBe(
      'CONFLICT',
    );
    const strangersLot = await market.lot(stranger, consigned(20, 6000));
    expect(
      errorCode(await market.request(coop, RETURN_STOCK, { id: strangersLot, note: 'bukan milik' })),
    ).toBe('NOT_FOUND');
    expect(errorCode(await market.request(k, RETURN_STOCK, { id: unsold, note: 'dapur' }))).toBe('FORBIDDEN');

    // 2. A consigned delivery, partly rejected: sold, owed and the margin in exact rupiah.
    const { order, lotId } = await market.singleSupplierOrder({
      kitchen: k,
      cooperative: coop,
      commodityCode: 'TEMPEH',
      quantity: 80,
      unitPrice: 9499,
      deliveryDate: daysFromNow(10),
      lot: consigned(90, 6333),
    });
    const received = await market.receive(k, {
      orderId: order.id,
      lines: [
        {
          orderLineId: order.lines[0]!.id,
          acceptedQuantity: 77.5,
          rejectedQuantity: 2.5,
          rejectionReason: 'Berjamur / mouldy',
        },
      ],
    });
    expect(received.errors).toBeUndefined();
    // 77.5 x 9,499 = 736,172.5 and 77.5 x 6,333 = 490,807.5: each rounded half up, once.
    const revenue = 736173;
    const owed = 490808;
    expect((await market.invoiceOf(k, order.id))!.total).toBe(revenue);

    const STATEMENTS = `{ consignorStatements { consignor { id name } soldQuantity owed paid } }`;
    const MARGINS = `{ lotMargins { stockLotId acceptedQuantity revenue owedToConsignor margin } }`;
    const before = await market.ok(coop, STATEMENTS);
    expect(before.consignorStatements).toEqual([
      { consignor: { id: tempe.id, name: tempe.name }, soldQuantity: 77.5, owed, paid: 0 },
    ]);
    const margins = await market.ok(coop, MARGINS);
    expect(margins.lotMargins).toEqual([
      { stockLotId: lotId, acceptedQuantity: 77.5, revenue, owedToConsignor: owed, margin: revenue - owed },
    ]);
    expect(revenue - owed).toBe(245365);

    const payables = await market.ok(
      coop,
      `{ consignmentPayables(status: OPEN) { edges { node { id amount } } } }`,
    );
    expect(
      payables.consignmentPayables.edges.map((e: { node: { amount: number } }) => e.node.amount),
    ).toEqual([owed]);
    await market.ok(
      coop,
      `mutation($ids: [ID!]!) { settleConsignment(payableIds: $ids, reference: "KAS-12") { id } }`,
      {
        ids: [payables.consignmentPayables.edges[0].node.id],
      },
    );
    const after = await market.ok(coop, STATEMENTS);
    expect(after.consignorStatements).toEqual([
      { consignor: { id: tempe.id, name: tempe.name }, soldQuantity: 77.5, owed: 0, paid: owed },
    ]);
    expect((await market.ok(coop, MARGINS)).lotMargins).toEqual(margins.lotMargins);
    expect(errorCode(await market.request(k, STATEMENTS))).toBe('FORBIDDEN');
    expect(errorCode(await market.request(k, MARGINS))).toBe('FORBIDDEN');
  });

  it('kitchenSpending adds up invoiced, paid, outstanding and committed in the 10-day cycle', async () => {
    const k = kitchen('gedog');
    const riceSupplier = cooperative('rembang');
    const eggSupplier = cooperative('bendogerit');
    const cycleStart = daysFromNow(30);
    const cycleEnd = daysFromNow(39);
    const first = await market.postDemand(k, {
      deliveryDate: cycleStart,
      lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 100 }],
    });
    const lastDay = await market.postDemand(k, {
      deliveryDate: cycleEnd,
      lines: [{ commodityCode: 'EGG', quantity: 40 }],
    });
    const nextCycle = await market.postDemand(k, {
      deliveryDate: daysFromNow(40),
      lines: [{ commodityCode: 'EGG', quantity: 10 }],
    });
    const riceLot = await market.lot(riceSupplier, { commodityCode: 'RICE_MEDIUM', quantity: 100 });
    const eggLot = await market.lot(eggSupplier, { commodityCode: 'EGG', quantity: 60 });
    await market.offer(riceSupplier, first.lines[0]!.id, riceLot, 100, 13000);
    await market.offer(eggSupplier, lastDay.lines[0]!.id, eggLot, 40, 28000);
    await market.offer(eggSupplier, nextCycle.lines[0]!.id, eggLot, 10, 28000);
    for (const demand of [first, lastDay, nextCycle]) await market.closeAndAward(k, demand.id);

    const riceOrder = await market.onlyOrder(riceSupplier);
    const eggOrders = (await market.orders(eggSupplier)).filter((o) => o.status === 'CONFIRMED');
    expect(eggOrders.map((o) => o.total).sort((x, y) => x - y)).toEqual([280000, 1120000]);
    await market.dispatch(riceSupplier, riceOrder.id);
    await market.dispatch(eggSupplier, eggOrders.find((o) => o.total === 1120000)!.id);
    const received = await market.receive(k, {
      orderId: riceOrder.id,
      lines: [
        {
          orderLineId: riceOrder.lines[0]!.id,
          acceptedQuantity: 95,
          rejectedQuantity: 5,
          rejectionReason: 'Berkutu / weevils',
        },
      ],
    });
    expect(received.errors).toBeUndefined();
    const invoice = (await market.invoiceOf(k, riceOrder.id))!;
    expect(invoice.total).toBe(95 * 13000);
    const paid = await market.ok(k, PAY, { id: invoice.id, amount: 500000, ref: 'TRF-SPEND-1' });
    expect(paid.recordPayment).toMatchObject({ paid: 500000, status: 'PARTIALLY_PAID' });
    // The rejected rice is re-tendered, not ordered: nothing more is committed for now.
    const shortfall = await market.resolvedShortfall(riceOrder.lines[0]!.id);
    expect(shortfall.retender_demand_id).not.toBeNull();

    const SPENDING = `query($d: Date!) { kitchenSpending(cycleStart: $d) {
      cycleStart cycleEnd invoiced paid outstanding committed } }`;
    const spending = (await market.ok(k, SPENDING, { d: cycleStart })).kitchenSpending;
    expect(spending).toEqual({
      cycleStart,
      cycleEnd,
      invoiced: 1235000,
      paid: 500000,
      outstanding: 735000,
      committed: 40 * 28000,
    });
    expect(spending.paid + spending.outstanding).toBe(spending.invoiced);
    const later = (await market.ok(k, SPENDING, { d: daysFromNow(40) })).kitchenSpending;
    expect(later).toMatchObject({ invoiced: 0, paid: 0, outstanding: 0, committed: 10 * 28000 });
    expect(errorCode(await market.request(riceSupplier, SPENDING, { d: cycleStart }))).toBe('FORBIDDEN');
    expect(errorCode(await market.request(COORDINATOR, SPENDING, { d: cycleStart }))).toBe('FORBIDDEN');
  });

  it('recordPayment refuses bad amounts, references and invoice ids without touching the invoice', async () => {
    const k = kitchen('sananwetan');
    const supplier = cooperative('klampok');
    const { order } = await market.singleSupplierOrder({
      kitchen: k,
      cooperative: supplier,
      commodityCode: 'GARLIC',
      quantity: 10,
      unitPrice: 35000,
      deliveryDate: daysFromNow(11),
    });
    const received = await market.receive(k, {
      orderId: order.id,
      lines: [{ orderLineId: order.lines[0]!.id, acceptedQuantity: 10, rejectedQuantity: 0 }],
    });
    expect(received.errors).toBeUndefined();
    const invoice = (await market.invoiceOf(k, order.id))!;
    expect(invoice).toMatchObject({ total: 350000, paid: 0, status: 'ISSUED' });

    const attempts: [string, Variables][] = [
      ['amount 0', { id: invoice.id, amount: 0, ref: 'TRF-0' }],
      ['fractional amount', { id: invoice.id, amount: 1000.5, ref: 'TRF-1' }],
      ['negative amount', { id: invoice.id, amount: -1000, ref: 'TRF-2' }],
      ['amount as text', { id: invoice.id, amount: '1000', ref: 'TRF-3' }],
      ['empty reference', { id: invoice.id, amount: 1000, ref: '' }],
      ['blank reference', { id: invoice.id, amount: 1000, ref: '    ' }],
      ['invoice id that is not a uuid', { id: 'not-a-uuid', amount: 1000, ref: 'TRF-4' }],
      ['numeric invoice id', { id: '12345', amount: 1000, ref: 'TRF-5' }],
    ];
    for (const [label, variables] of attempts) {
      const result = await market.request(k, PAY, variables);
      expect({ label, code: errorCode(result) }).toEqual({ label, code: 'BAD_USER_INPUT' });
    }
    const literal = await market.request(
      k,
      `mutation($id: ID!) { recordPayment(invoiceId: $id, amount: 2500.5, reference: "TRF-6") { paid } }`,
      { id: invoice.id },
    );
    expect(errorCode(literal)).toBe('BAD_USER_INPUT');
    const zeroLiteral = await market.request(
      k,
      `mutation($id: ID!) { recordPayment(invoiceId: $id, amount: 0, reference: "TRF-7") { paid } }`,
      { id: invoice.id },
    );
    expect(errorCode(zeroLiteral)).toBe('BAD_USER_INPUT');

    expect(await market.invoiceOf(k, order.id)).toMatchObject({ paid: 0, status: 'ISSUED' });
    const [payments] = await market.sql<{ n: string }>(
      'select count(*) as n from payment where invoice_id = $1',
      [invoice.id],
    );
    expect(payments!.n).toBe('0');
    const paid = await market.ok(k, PAY, { id: invoice.id, amount: 350000, ref: 'TRF-OK' });
    expect(paid.recordPayment).toEqual({ id: invoice.id, paid: 350000, status: 'PAID' });
  });

  it('a coordinator cancelling an open demand leaves its offers NOT_AWARDED', async () => {
    const k = kitchen('rembang');
    const first = cooperative('turi');
    const second = cooperative('pakunden');
    const demand = await market.postDemand(k, {
      deliveryDate: daysFromNow(12),
      lines: [{ commodityCode: 'LONG_BEAN', quantity: 30 }],
    });
    const firstLot = await market.lot(first, { commodityCode: 'LONG_BEAN', quantity: 40 });
    const secondLot = await market.lot(second, { commodityCode: 'LONG_BEAN', quantity: 40 });
    const firstOffer = await market.offer(first, demand.lines[0]!.id, firstLot, 30, 9000);
    const secondOffer = await market.offer(second, demand.lines[0]!.id, secondLot, 30, 9500);

    expect(errorCode(await market.request(first, CANCEL, { id: demand.id }))).toBe('FORBIDDEN');
    const cancelled = await market.ok(COORDINATOR, CANCEL, { id: demand.id });
    expect(cancelled.cancelDemand).toEqual({ id: demand.id, status: 'CANCELLED' });
    expect(await market.myOfferStatus(first, firstOffer)).toBe('NOT_AWARDED');
    expect(await market.myOfferStatus(second, secondOffer)).toBe('NOT_AWARDED');
    expect(await market.demandStatus(k, demand.id)).toBe('CANCELLED');

    expect(errorCode(await market.request(COORDINATOR, CANCEL, { id: demand.id }))).toBe('CONFLICT');
    const lines = await market.ok(first, OPEN_LINES, { code: 'LONG_BEAN' });
    expect(
      lines.openDemandLines.edges.filter((e: { node: { id: string } }) => e.node.id === demand.lines[0]!.id),
    ).toEqual([]);
    const late = await market.request(first, SUBMIT, {
      input: { demandLineId: demand.lines[0]!.id, stockLotId: firstLot, quantity: 10, unitPrice: 9000 },
    });
    expect(errorCode(late)).toBe('CONFLICT');
    expect(await market.reserved(firstLot)).toBe('0.000');
    expect((await market.orders(k)).length).toBe(0);
  });
});

describe('settlement edges, with the worker stopped (jobs run by hand)', () => {
  let system: TestSystem;
  let market: Market;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    market = new Market(system);
  });
  afterEach(async () => expectQuantityInvariants(system.api.get<DataSource>(getDataSourceToken())));
  afterAll(async () => system?.stop());

  it('two resolve-shortfall runs at once (a crashed job retried) re-award exactly once', async () => {
    const k = kitchen('sukorejo');
    const decliner = cooperative('sukorejo');
    const runnerUp = cooperative('tanjungsari');
    const demand = await market.postDemand(k, {
      deliveryDate: daysFromNow(5),
      lines: [{ commodityCode: 'BANANA', quantity: 100 }],
    });
    const declinerLot = await market.lot(decliner, { commodityCode: 'BANANA', quantity: 120 });
    const runnerUpLot = await market.lot(runnerUp, { commodityCode: 'BANANA', quantity: 150 });
    await market.offer(decliner, demand.lines[0]!.id, declinerLot, 100, 5000);
    await market.offer(runnerUp, demand.lines[0]!.id, runnerUpLot, 100, 7000);
    expect((await market.ok(k, CLOSE, { id: demand.id })).closeBidding.status).toBe('EVALUATING');
    const [batch] = await market.sql<{ batch_id: string }>(
      'select batch_id from demand_request where id = $1',
      [demand.id],
    );
    await system.api.get(MarketEvaluationService).evaluateBatch(batch!.batch_id);
    expect(await market.demandStatus(k, demand.id)).toBe('AWARDED');

    const order = await market.onlyOrder(decliner);
    expect(order.lines[0]).toMatchObject({ quantity: 100, unitPrice: 5000 });
    expect((await market.ok(decliner, DECLINE, { id: order.id })).declineOrder.status).toBe('DECLINED');
    const [shortfall, ...more] = await market.shortfallsFrom(order.id);
    expect(more).toEqual([]);
    expect(shortfall!.status).toBe('PENDING');

    const service = system.api.get(ShortfallService);
    const outcomes = await Promise.all([service.resolve(shortfall!.id), service.resolve(shortfall!.id)]);
    expect(outcomes.map((o) => o.resolved).sort()).toEqual([false, true]);
    expect(outcomes.find((o) => o.resolved)!.reawardedMilli).toBe(100_000);

    expect(await market.reawardOrders(shortfall!.id)).toBe(1);
    const reawarded = await market.sql<{ quantity: string; stock_lot_id: string }>(
      `select l.quantity::text as quantity, l.stock_lot_id from order_line l join purchase_order o on o.id = l.order_id
        where o.shortfall_id = $1`,
      [shortfall!.id],
    );
    expect(reawarded).toEqual([{ quantity: '100.000', stock_lot_id: runnerUpLot }]);
    expect(await market.reserved(runnerUpLot)).toBe('100.000');
    expect(await market.reserved(declinerLot)).toBe('0.000');
    const [line] = await market.sql<{ awarded: string }>(
      'select awarded_quantity::text as awarded from demand_line where id = $1',
      [demand.lines[0]!.id],
    );
    expect(line!.awarded).toBe('100.000');
    const runnerUpOrders = (await market.orders(runnerUp)).filter((o) => o.status === 'CONFIRMED');
    expect(runnerUpOrders).toHaveLength(1);

    const third = await service.resolve(shortfall!.id);
    expect(third.resolved).toBe(false);
    expect(await market.reawardOrders(shortfall!.id)).toBe(1);
  });
});

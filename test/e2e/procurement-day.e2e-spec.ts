import { daysFromNow, errorCode, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';
import { expectSystemInvariants } from '../support/invariants.js';

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status deliverBy lines { id quantity commodity { code } } }
}`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id availableQuantity } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status unitPrice } }`;
const DEMAND = `query($id: ID!) {
  demand(id: $id) {
    id status
    lines {
      id quantity awardedQuantity offerCount
      evaluations { rank total valid awardedQuantity explanation offer { id unitPrice cooperative { name } } }
      awards { quantity unitPrice order { id number status total cooperative { name } } }
    }
  }
}`;

describe('a procurement day in Kota Blitar', () => {
  let system: TestSystem;
  let kitchen: string;
  let otherKitchen: string;
  let sentul: string;
  let turi: string;
  let gedog: string;
  let coordinator: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    [kitchen, otherKitchen, sentul, turi, gedog, coordinator] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('sppg.gedog@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('kkmp.turi@pasargizi.test'),
      system.login('kkmp.gedog@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
    ]);
  });
  afterEach(async () => expectSystemInvariants(system));
  afterAll(async () => system.stop());

  async function addLot(token: string, commodityCode: string, quantity: number, grade = 'A') {
    const data = await system.ok(
      ADD_LOT,
      { input: { commodityCode, quantity, grade, source: 'OWN' } },
      { token },
    );
    return data.addStockLot.id as string;
  }

  it('posts demand, takes sealed offers, closes on time and confirms orders from the worker', async () => {
    const deliveryDate = daysFromNow(3);
    const posted = await system.ok(
      POST_DEMAND,
      {
        input: {
          deliveryDate,
          biddingClosesAt: secondsFromNow(10),
          lines: [
            { commodityCode: 'RICE_MEDIUM', quantity: 350, maxUnitPrice: 14000 },
            { commodityCode: 'EGG', quantity: 150.5 },
          ],
        },
      },
      { token: kitchen },
    );
    const demand = posted.postDemand;
    expect(demand.status).toBe('OPEN');
    const [rice, egg] = demand.lines;
    expect(rice.commodity.code).toBe('RICE_MEDIUM');

    // The cooperative sees the open line in its market.
    const open = await system.ok(
      `{ openDemandLines(first: 200) { edges { node { id } } } }`,
      {},
      { token: sentul },
    );
    expect(open.openDemandLines.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      expect.arrayContaining([rice.id, egg.id]),
    );

    const sentulRice = await addLot(sentul, 'RICE_MEDIUM', 400);
    const turiRice = await addLot(turi, 'RICE_MEDIUM', 400, 'B');
    const gedogEgg = await addLot(gedog, 'EGG', 200);
    const offered = await system.ok(
      SUBMIT,
      { input: { demandLineId: rice.id, stockLotId: sentulRice, quantity: 350, unitPrice: 13000 } },
      { token: sentul },
    );
    expect(offered.submitOffer).toMatchObject({ status: 'SUBMITTED', unitPrice: 13000 });
    await system.ok(
      SUBMIT,
      { input: { demandLineId: rice.id, stockLotId: turiRice, quantity: 350, unitPrice: 13400 } },
      { token: turi },
    );
    await system.ok(
      SUBMIT,
      { input: { demandLineId: egg.id, stockLotId: gedogEgg, quantity: 150.5, unitPrice: 29500 } },
      { token: gedog },
    );

    // While bidding is open the kitchen sees how many offers came, not their prices.
    const during = await system.ok(DEMAND, { id: demand.id }, { token: kitchen });
    expect(during.demand.lines[0].offerCount).toBe(2);
    expect(during.demand.lines[0].evaluations).toEqual([]);

    // The delayed close job fires at biddingClosesAt; the evaluation confirms orders.
    const done = await eventually(async () => {
      const data = await system.ok(DEMAND, { id: demand.id }, { token: kitchen });
      return data.demand.status === 'AWARDED' ? data.demand : undefined;
    });
    const riceLine = done.lines.find((line: { id: string }) => line.id === rice.id);
    expect(riceLine.awardedQuantity).toBe(350);
    expect(riceLine.evaluations.map((e: { rank: number }) => e.rank)).toEqual([1, 2]);
    expect(riceLine.evaluations[0].offer.unitPrice).toBe(13000);
    expect(riceLine.evaluations[0].awardedQuantity).toBe(350);
    expect(riceLine.evaluations[1].awardedQuantity).toBe(0);
    expect(riceLine.awards).toHaveLength(1);
    expect(riceLine.awards[0].order.status).toBe('CONFIRMED');
    expect(riceLine.awards[0].order.number).toMatch(/^PO-3572-\d{8}-\d{4}$/);
    expect(riceLine.awards[0].order.total).toBe(350 * 13000);
    const eggLine = done.lines.find((line: { id: string }) => line.id === egg.id);
    expect(eggLine.awards[0].order.total).toBe(Math.round(150.5 * 29500));

    // The lot is reserved for the award.
    const lots = await system.ok(
      `{ myStockLots(commodityCode: "RICE_MEDIUM") { edges { node { id availableQuantity } } } }`,
      {},
      { token: sentul },
    );
    const lot = lots.myStockLots.edges.find((e: { node: { id: string } }) => e.node.id === sentulRice).node;
    expect(lot.availableQuantity).toBe(50);

    // Each side sees its purchase orders; the other kitchen sees none of them.
    const coopOrders = await system.ok(
      `{ purchaseOrders { edges { node { id status kitchen { name } lines { quantity unitPrice } } } } }`,
      {},
      { token: sentul },
    );
    expect(
      coopOrders.purchaseOrders.edges.some(
        (e: { node: { id: string } }) => e.node.id === riceLine.awards[0].order.id,
      ),
    ).toBe(true);
    const otherOrders = await system.ok(
      `{ purchaseOrders { edges { node { id } } } }`,
      {},
      { token: otherKitchen },
    );
    expect(
      otherOrders.purchaseOrders.edges.some(
        (e: { node: { id: string } }) => e.node.id === riceLine.awards[0].order.id,
      ),
    ).toBe(false);

    // The coordinator's report counts the day.
    const report = await system.ok(
      `query($from: Date!, $to: Date!) { fulfilmentReport(regionCode: "35.72", from: $from, to: $to) {
        demandedQuantity awardedQuantity receivedQuantity spend spendAtReference fillRate
        byCommodity { commodity { code } demandedQuantity averageUnitPrice referenceUnitPrice }
        byCooperative { cooperative { name } awardedQuantity revenue } } }`,
      { from: deliveryDate, to: deliveryDate },
      { token: coordinator },
    );
    const figures = report.fulfilmentReport;
    expect(figures.demandedQuantity).toBeGreaterThanOrEqual(500.5);
    expect(figures.awardedQuantity).toBeGreaterThanOrEqual(500.5);
    expect(figures.receivedQuantity).toBe(0);
    const riceFigures = figures.byCommodity.find(
      (c: { commodity: { code: string } }) => c.commodity.code === 'RICE_MEDIUM',
    );
    expect(riceFigures.referenceUnitPrice).toBe(13500);
  });

  it('splits a line when the best offer is small, and never promises one lot to two kitchens beyond its stock', async () => {
    const deliveryDate = daysFromNow(4);
    const closesAt = secondsFromNow(10);
    const first = (
      await system.ok(
        POST_DEMAND,
        {
          input: {
            deliveryDate,
            biddingClosesAt: closesAt,
            lines: [{ commodityCode: 'TOFU', quantity: 100 }],
          },
        },
        { token: kitchen },
      )
    ).postDemand;
    const second = (
      await system.ok(
        POST_DEMAND,
        {
          input: {
            deliveryDate,
            biddingClosesAt: closesAt,
            lines: [{ commodityCode: 'TOFU', quantity: 100 }],
          },
        },
        { token: otherKitchen },
      )
    ).postDemand;
    // One lot of 120 kg offered in full to both kitchens, and a small cheap lot to the first.
    const shared = await addLot(turi, 'TOFU', 120);
    const small = await addLot(sentul, 'TOFU', 30);
    await system.ok(
      SUBMIT,
      { input: { demandLineId: first.lines[0].id, stockLotId: shared, quantity: 100, unitPrice: 12000 } },
      { token: turi },
    );
    await system.ok(
      SUBMIT,
      { input: { demandLineId: second.lines[0].id, stockLotId: shared, quantity: 100, unitPrice: 12000 } },
      { token: turi },
    );
    await system.ok(
      SUBMIT,
      { input: { demandLineId: first.lines[0].id, stockLotId: small, quantity: 30, unitPrice: 11000 } },
      { token: sentul },
    );

    // Both close at the same moment in the same market: one batch, evaluated together.
    const outcome = await eventually(async () => {
      const a = (await system.ok(DEMAND, { id: first.id }, { token: kitchen })).demand;
      const b = (await system.ok(DEMAND, { id: second.id }, { token: otherKitchen })).demand;
      return !['OPEN', 'EVALUATING'].includes(a.status) && !['OPEN', 'EVALUATING'].includes(b.status)
        ? { a, b }
        : undefined;
    });
    const firstAwarded = outcome.a.lines[0].awardedQuantity;
    const secondAwarded = outcome.b.lines[0].awardedQuantity;
    // 150 kg exist in all; 200 kg were asked for: both kitchens are served, the lot never oversold.
    expect(firstAwarded + secondAwarded).toBe(150);
    expect(outcome.a.lines[0].awards.length).toBeGreaterThanOrEqual(1);
    const fromShared = outcome.a.lines[0].awards
      .concat(outcome.b.lines[0].awards)
      .filter((award: { order: { cooperative: { name: string } } }) =>
        award.order.cooperative.name.includes('Turi'),
      );
    expect(fromShared.reduce((sum: number, award: { quantity: number }) => sum + award.quantity, 0)).toBe(
      120,
    );
    const lots = await system.ok(
      `{ myStockLots(commodityCode: "TOFU") { edges { node { id availableQuantity } } } }`,
      {},
      { token: turi },
    );
    expect(
      lots.myStockLots.edges.find((e: { node: { id: string } }) => e.node.id === shared).node
        .availableQuantity,
    ).toBe(0);
  });

  it('replays a retried mutation with the same Idempotency-Key and refuses the key with another body', async () => {
    const input = { commodityCode: 'CARROT', quantity: 40, grade: 'A', source: 'OWN' };
    const headers = { 'idempotency-key': `lot-${Date.now()}` };
    const first = await system.request(ADD_LOT, { input }, { token: gedog, headers });
    const again = await system.request(ADD_LOT, { input }, { token: gedog, headers });
    expect(again).toEqual(first);
    const lots = await system.ok(
      `{ myStockLots(commodityCode: "CARROT") { totalCount } }`,
      {},
      { token: gedog },
    );
    expect(lots.myStockLots.totalCount).toBe(1);
    const different = await system.request(
      ADD_LOT,
      { input: { ...input, quantity: 41 } },
      { token: gedog, headers },
    );
    expect(errorCode(different)).toBe('CONFLICT');
  });
});

describe('quantities in the units people count in', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
  });
  afterEach(async () => expectSystemInvariants(system));
  afterAll(async () => system.stop());

  it('lists each commodity’s units and converts karung, peti and butir exactly to base units', async () => {
    const [kitchen, cooperative] = await Promise.all([
      system.login('sppg.rembang@pasargizi.test'),
      system.login('kkmp.rembang@pasargizi.test'),
    ]);
    const catalog = await system.ok(
      `{ commodities { code baseUnit units { code toBase } } }`,
      {},
      { token: kitchen },
    );
    const egg = catalog.commodities.find((c: { code: string }) => c.code === 'EGG');
    expect(egg.units).toEqual(
      expect.arrayContaining([
        { code: 'butir', toBase: 0.0625 },
        { code: 'peti', toBase: 15 },
      ]),
    );

    const demand = (
      await system.ok(
        POST_DEMAND,
        {
          input: {
            deliveryDate: daysFromNow(5),
            biddingClosesAt: secondsFromNow(600),
            lines: [
              { commodityCode: 'RICE_MEDIUM', quantity: 14, unit: 'karung-25' },
              { commodityCode: 'EGG', quantity: 2400, unit: 'butir' },
            ],
          },
        },
        { token: kitchen },
      )
    ).postDemand;
    expect(demand.lines.map((l: { quantity: number }) => l.quantity)).toEqual([350, 150]);

    const lot = await system.ok(
      ADD_LOT,
      { input: { commodityCode: 'EGG', quantity: 12, unit: 'peti', grade: 'A', source: 'OWN' } },
      { token: cooperative },
    );
    expect(lot.addStockLot.availableQuantity).toBe(180);
    const offer = await system.ok(
      `mutation($input: OfferInput!) { submitOffer(input: $input) { quantity } }`,
      {
        input: {
          demandLineId: demand.lines[1].id,
          stockLotId: lot.addStockLot.id,
          quantity: 160,
          unit: 'butir',
          unitPrice: 29000,
        },
      },
      { token: cooperative },
    );
    expect(offer.submitOffer.quantity).toBe(10);

    const inexact = await system.request(
      ADD_LOT,
      { input: { commodityCode: 'EGG', quantity: 3, unit: 'butir', grade: 'A', source: 'OWN' } },
      { token: cooperative },
    );
    expect(errorCode(inexact)).toBe('BAD_USER_INPUT');
    const unknown = await system.request(
      ADD_LOT,
      { input: { commodityCode: 'EGG', quantity: 3, unit: 'ton', grade: 'A', source: 'OWN' } },
      { token: cooperative },
    );
    expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
  });
});

describe('the market policy of a regency', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterEach(async () => expectSystemInvariants(system));
  afterAll(async () => system.stop());

  it('is read by anyone, changed by its coordinator, and applied to the next award', async () => {
    const [kitchen, sentul, turi, coordinator] = await Promise.all([
      system.login('sppg.pakunden@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('kkmp.turi@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
    ]);
    const read = `query { marketPolicy(regionCode: "35.72") { regionCode maxSuppliersPerLine defaultWeights { price quality distance reliability } minAwardQuantities { commodity { code } quantity } } }`;
    expect((await system.ok(read, {}, { token: kitchen })).marketPolicy).toMatchObject({
      regionCode: '35.72',
      maxSuppliersPerLine: 3,
      defaultWeights: { price: 0.5, quality: 0.3, distance: 0.1, reliability: 0.1 },
    });
    const update = `mutation($input: MarketPolicyInput!) { updateMarketPolicy(input: $input) { maxSuppliersPerLine minAwardQuantities { commodity { code } quantity } } }`;
    const input = {
      regionCode: '35.72',
      maxSuppliersPerLine: 1,
      minAwardQuantities: [{ commodityCode: 'POTATO', quantity: 5 }],
    };
    expect(errorCode(await system.request(update, { input }, { token: kitchen }))).toBe('FORBIDDEN');
    const updated = await system.ok(update, { input }, { token: coordinator });
    expect(updated.updateMarketPolicy).toEqual({
      maxSuppliersPerLine: 1,
      minAwardQuantities: [{ commodity: { code: 'POTATO' }, quantity: 5 }],
    });

    // Two cooperatives each hold 60 kg of a 100 kg line: with one supplier per line, one gets it all.
    const demand = (
      await system.ok(
        POST_DEMAND,
        {
          input: {
            deliveryDate: daysFromNow(6),
            biddingClosesAt: secondsFromNow(60),
            lines: [{ commodityCode: 'POTATO', quantity: 100 }],
          },
        },
        { token: kitchen },
      )
    ).postDemand;
    for (const [token, price] of [
      [sentul, 9000],
      [turi, 9500],
    ] as const) {
      const lot = (
        await system.ok(
          ADD_LOT,
          { input: { commodityCode: 'POTATO', quantity: 60, grade: 'A', source: 'OWN' } },
          { token },
        )
      ).addStockLot.id;
      await system.ok(
        SUBMIT,
        { input: { demandLineId: demand.lines[0].id, stockLotId: lot, quantity: 60, unitPrice: price } },
        { token },
      );
    }
    await system.ok(
      `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`,
      { id: demand.id },
      { token: kitchen },
    );
    const done = await eventually(async () => {
      const data = await system.ok(DEMAND, { id: demand.id }, { token: kitchen });
      return data.demand.status === 'OPEN' || data.demand.status === 'EVALUATING' ? undefined : data.demand;
    });
    expect(done.status).toBe('PARTIALLY_AWARDED');
    expect(done.lines[0].awardedQuantity).toBe(60);
    expect(done.lines[0].awards).toHaveLength(1);
    expect(
      done.lines[0].evaluations.find((e: { awardedQuantity: number }) => e.awardedQuantity === 0).explanation,
    ).toMatch(/supplier|cap|limit/i);
  });
});

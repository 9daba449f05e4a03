import { daysFromNow, errorCode, secondsFromNow, TestSystem } from '../support/test-app.js';

/**
 * The window between "bidding closed" and "evaluated", held open on purpose: this system runs
 * the API without the worker, so a closed demand stays EVALUATING and a demand whose closing
 * time has passed stays OPEN (no close job runs). Prices must stay sealed and every late change
 * must be a CONFLICT, whatever the worker's lag.
 */

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id status lines { id } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status unitPrice } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawOffer(id: $id) { id status } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelDemand(id: $id) { id status } }`;
const DEMAND_VIEW = `query($id: ID!) {
  demand(id: $id) {
    id status
    lines { id offerCount awardedQuantity evaluations { rank offer { id unitPrice } } awards { unitPrice } }
  }
}`;
const MY_OFFERS = `{ myOffers(first: 200) { edges { node { id status unitPrice } } } }`;
const OPEN_LINES = `{ openDemandLines(first: 200) { edges { node { id } } } }`;

describe('sealed bids while bidding closes and before evaluation (no worker)', () => {
  let system: TestSystem;
  let kitchen: string;
  let coordinator: string;
  let coopA: string;
  let coopB: string;
  let coopNever: string;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    [kitchen, coordinator, coopA, coopB, coopNever] = await Promise.all([
      system.login('sppg.pakunden@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
      system.login('kkmp.pakunden@pasargizi.test'),
      system.login('kkmp.blitar@pasargizi.test'),
      system.login('kkmp.turi@pasargizi.test'),
    ]);
  });
  afterAll(async () => system.stop());

  async function postDemand(closesInSeconds: number, commodityCode: string) {
    const data = await system.ok(
      POST_DEMAND,
      {
        input: {
          deliveryDate: daysFromNow(4),
          biddingClosesAt: secondsFromNow(closesInSeconds),
          lines: [{ commodityCode, quantity: 50 }],
        },
      },
      { token: kitchen },
    );
    return { id: data.postDemand.id as string, lineId: data.postDemand.lines[0].id as string };
  }

  async function offer(token: string, lineId: string, commodityCode: string, unitPrice: number) {
    const lot = await system.ok(
      ADD_LOT,
      { input: { commodityCode, quantity: 60, grade: 'A', source: 'OWN' } },
      { token },
    );
    const data = await system.ok(
      SUBMIT,
      { input: { demandLineId: lineId, stockLotId: lot.addStockLot.id, quantity: 50, unitPrice } },
      { token },
    );
    return { offerId: data.submitOffer.id as string, lotId: lot.addStockLot.id as string };
  }

  async function statusOf(token: string, offerId: string) {
    const data = await system.ok(MY_OFFERS, {}, { token });
    return data.myOffers.edges.find((edge: { node: { id: string } }) => edge.node.id === offerId)?.node;
  }

  it('EVALUATING: nothing is revealed, and cancel, re-close, withdraw and offer are CONFLICT', async () => {
    const demand = await postDemand(3600, 'POTATO');
    const a = await offer(coopA, demand.lineId, 'POTATO', 11000);
    const b = await offer(coopB, demand.lineId, 'POTATO', 11500);

    const closed = await system.ok(CLOSE, { id: demand.id }, { token: kitchen });
    expect(closed.closeBidding.status).toBe('EVALUATING');

    // Closed but not evaluated: still sealed for the kitchen and the coordinator.
    for (const token of [kitchen, coordinator]) {
      const seen = (await system.ok(DEMAND_VIEW, { id: demand.id }, { token })).demand;
      expect(seen.status).toBe('EVALUATING');
      expect(seen.lines[0]).toMatchObject({ offerCount: 2, awardedQuantity: 0, evaluations: [], awards: [] });
    }
    // The offering cooperative still sees its own offer and price; the other's not at all.
    expect(await statusOf(coopA, a.offerId)).toEqual({
      id: a.offerId,
      status: 'SUBMITTED',
      unitPrice: 11000,
    });
    expect(await statusOf(coopA, b.offerId)).toBeUndefined();
    const seenByB = (await system.ok(DEMAND_VIEW, { id: demand.id }, { token: coopB })).demand;
    expect(seenByB.lines[0]).toMatchObject({ offerCount: 1, evaluations: [], awards: [] });
    // A cooperative that did not offer cannot reach a demand that is no longer open.
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demand.id }, { token: coopNever }))).toBe(
      'NOT_FOUND',
    );
    expect(
      (await system.ok(OPEN_LINES, {}, { token: coopNever })).openDemandLines.edges.map(
        (edge: { node: { id: string } }) => edge.node.id,
      ),
    ).not.toContain(demand.lineId);

    // Every late change is a CONFLICT.
    expect(errorCode(await system.request(CLOSE, { id: demand.id }, { token: kitchen }))).toBe('CONFLICT');
    expect(errorCode(await system.request(CLOSE, { id: demand.id }, { token: coordinator }))).toBe(
      'CONFLICT',
    );
    expect(errorCode(await system.request(CANCEL, { id: demand.id }, { token: kitchen }))).toBe('CONFLICT');
    expect(errorCode(await system.request(CANCEL, { id: demand.id }, { token: coordinator }))).toBe(
      'CONFLICT',
    );
    expect(errorCode(await system.request(WITHDRAW, { id: a.offerId }, { token: coopA }))).toBe('CONFLICT');
    const lot = await system.ok(
      ADD_LOT,
      { input: { commodityCode: 'POTATO', quantity: 60, grade: 'A', source: 'OWN' } },
      { token: coopNever },
    );
    const late = await system.request(
      SUBMIT,
      {
        input: { demandLineId: demand.lineId, stockLotId: lot.addStockLot.id, quantity: 50, unitPrice: 9000 },
      },
      { token: coopNever },
    );
    expect(errorCode(late)).toBe('CONFLICT');
    // A re-offer of a lot already on the line is still refused as late, not as a duplicate.
    const again = await system.request(
      SUBMIT,
      { input: { demandLineId: demand.lineId, stockLotId: b.lotId, quantity: 10, unitPrice: 9000 } },
      { token: coopB },
    );
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors![0]!.message).toMatch(/closed/);

    // Nothing moved.
    const after = (await system.ok(DEMAND_VIEW, { id: demand.id }, { token: kitchen })).demand;
    expect(after).toMatchObject({ status: 'EVALUATING', lines: [{ offerCount: 2 }] });
    expect((await statusOf(coopA, a.offerId)).status).toBe('SUBMITTED');
    expect((await statusOf(coopB, b.offerId)).status).toBe('SUBMITTED');
  });

  it('past biddingClosesAt with no close job run yet: offers can be neither made nor withdrawn', async () => {
    const closesAt = Date.now() + 4000;
    const demand = await postDemand(4, 'GARLIC');
    const a = await offer(coopA, demand.lineId, 'GARLIC', 35000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt + 500 - Date.now())));

    // The clock closed bidding even though nothing has run: the status still says OPEN.
    const seen = (await system.ok(DEMAND_VIEW, { id: demand.id }, { token: kitchen })).demand;
    expect(seen.status).toBe('OPEN');
    expect(seen.lines[0].evaluations).toEqual([]);
    expect(errorCode(await system.request(WITHDRAW, { id: a.offerId }, { token: coopA }))).toBe('CONFLICT');
    const lot = await system.ok(
      ADD_LOT,
      { input: { commodityCode: 'GARLIC', quantity: 60, grade: 'A', source: 'OWN' } },
      { token: coopB },
    );
    const late = await system.request(
      SUBMIT,
      {
        input: {
          demandLineId: demand.lineId,
          stockLotId: lot.addStockLot.id,
          quantity: 50,
          unitPrice: 30000,
        },
      },
      { token: coopB },
    );
    expect(errorCode(late)).toBe('CONFLICT');
    expect(
      (await system.ok(OPEN_LINES, {}, { token: coopB })).openDemandLines.edges.map(
        (edge: { node: { id: string } }) => edge.node.id,
      ),
    ).not.toContain(demand.lineId);
    expect((await statusOf(coopA, a.offerId)).status).toBe('SUBMITTED');

    // Closing it now (the owner, as the late job would) puts it into evaluation, once.
    expect((await system.ok(CLOSE, { id: demand.id }, { token: kitchen })).closeBidding.status).toBe(
      'EVALUATING',
    );
    expect(errorCode(await system.request(CLOSE, { id: demand.id }, { token: kitchen }))).toBe('CONFLICT');
  });
});

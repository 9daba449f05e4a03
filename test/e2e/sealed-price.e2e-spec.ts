import { daysFromNow, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

/**
 * Issue 7, defect 4: a cooperative's own priceScore (lowest valid ÷ own price) and total gave
 * away the lowest valid price on the line even when that offer lost. A cooperative sees its
 * rank, its award, the winning price and its position on price — nothing from which another
 * offer's price follows. The kitchen and the coordinators still see every number.
 */

const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`;
/** Every field of a demand a cooperative can ask for. */
const DEMAND_VIEW = `query($id: ID!) {
  demand(id: $id) {
    id status
    lines {
      id quantity awardedQuantity offerCount maxUnitPrice
      evaluations {
        valid invalidReason priceScore qualityScore distanceScore reliabilityScore total
        pricePosition validOfferCount rank awardedQuantity explanation explanationId winningUnitPrice
        offer { id unitPrice quantity status cooperative { id } }
      }
      awards { id quantity unitPrice offer { id unitPrice } order { id total lines { unitPrice } } }
    }
  }
}`;
const EVERYTHING_ELSE = `{
  myOffers(first: 100) { edges { node { id unitPrice status line { id evaluations { priceScore total explanation } } } } }
  purchaseOrders(first: 100) { edges { node { id total lines { unitPrice } } } }
}`;

/** Every number in a response, and every number written in its texts (1.234,5 and 1,234.5 alike). */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value === 'string') {
    return (value.match(/\d[\d.,]*/g) ?? []).flatMap((token) => {
      const stripped = token.replace(/[.,]$/, '');
      return [
        Number(stripped.replace(/,/g, '')),
        Number(stripped.replace(/\./g, '').replace(',', '.')),
      ].filter((n) => Number.isFinite(n));
    });
  }
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('a sealed price stays sealed after the award', () => {
  let system: TestSystem;
  let kitchen: string;
  let coordinator: string;
  const coop: Record<'cheap' | 'winner' | 'dear', string> = { cheap: '', winner: '', dear: '' };
  const price = { cheap: 11_000, winner: 13_000, dear: 14_000 };
  let demandId: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    [kitchen, coordinator, coop.cheap, coop.winner, coop.dear] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
      system.login('kkmp.kauman@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('kkmp.turi@pasargizi.test'),
    ]);
    // Quality weighs most: the cheapest offer (grade C) loses to two dearer grade-A offers.
    const posted = await system.ok(
      `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`,
      {
        input: {
          deliveryDate: daysFromNow(3),
          biddingClosesAt: secondsFromNow(3600),
          weights: { price: 0.2, quality: 0.8, distance: 0, reliability: 0 },
          lines: [{ commodityCode: 'POTATO', quantity: 100 }],
        },
      },
      { token: kitchen },
    );
    demandId = posted.postDemand.id;
    const lineId = posted.postDemand.lines[0].id as string;
    const grades = { cheap: 'C', winner: 'A', dear: 'A' } as const;
    for (const who of ['cheap', 'winner', 'dear'] as const) {
      const lot = await system.ok(
        ADD_LOT,
        { input: { commodityCode: 'POTATO', quantity: 100, grade: grades[who], source: 'OWN' } },
        { token: coop[who] },
      );
      await system.ok(
        SUBMIT,
        {
          input: {
            demandLineId: lineId,
            stockLotId: lot.addStockLot.id,
            quantity: 100,
            unitPrice: price[who],
          },
        },
        { token: coop[who] },
      );
    }
    await system.ok(
      `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`,
      { id: demandId },
      {
        token: kitchen,
      },
    );
    await eventually(async () => {
      const data = await system.ok(DEMAND_VIEW, { id: demandId }, { token: kitchen });
      return data.demand.status === 'AWARDED' ? true : undefined;
    });
  });
  afterAll(async () => system.stop());

  it('shows a losing cooperative its rank, its price position and the winning price, nothing else', async () => {
    const view = await system.ok(DEMAND_VIEW, { id: demandId }, { token: coop.dear });
    const [line] = view.demand.lines;
    expect(line.evaluations).toHaveLength(1);
    const [own] = line.evaluations;
    expect(own).toMatchObject({
      valid: true,
      priceScore: null,
      total: null,
      rank: 2,
      pricePosition: 3,
      validOfferCount: 3,
      awardedQuantity: 0,
      winningUnitPrice: price.winner,
    });
    expect(own.offer.unitPrice).toBe(price.dear);
    expect(own.explanation).toMatch(/ranked 2 of 3 \(price: 3rd cheapest of 3\)/);
    expect(own.explanationId).toMatch(/peringkat 2 dari 3 \(harga: ke-3 termurah dari 3\)/);
    expect(line.awards).toEqual([]);
  });

  it('gives a cooperative that lost nothing from which the lowest price follows', async () => {
    for (const who of ['dear', 'cheap'] as const) {
      const read = [
        await system.ok(DEMAND_VIEW, { id: demandId }, { token: coop[who] }),
        await system.ok(EVERYTHING_ELSE, {}, { token: coop[who] }),
        await system.ok(
          DEMAND_VIEW,
          { id: demandId },
          { token: coop[who], headers: { 'accept-language': 'id' } },
        ),
      ];
      // The lowest price other than its own: for "dear" the cheap offer's, for "cheap" the next one.
      const hidden = who === 'dear' ? price.cheap : price.dear;
      const own = price[who];
      for (const n of numbersIn(read).filter((x) => x !== 0)) {
        expect(Math.abs(n - hidden)).toBeGreaterThan(0.5);
        // Neither own × n nor own ÷ n: no ratio with its own price gives the hidden one away.
        expect(Math.abs(own * n - hidden)).toBeGreaterThan(1);
        expect(Math.abs(own / n - hidden)).toBeGreaterThan(1);
      }
    }
  });

  it('still shows the kitchen and the coordinator every score and every price', async () => {
    for (const token of [kitchen, coordinator]) {
      const view = await system.ok(DEMAND_VIEW, { id: demandId }, { token });
      const evaluations = view.demand.lines[0].evaluations as {
        priceScore: number;
        total: number;
        pricePosition: number;
        offer: { unitPrice: number };
      }[];
      expect(evaluations).toHaveLength(3);
      const byPrice = new Map(evaluations.map((e) => [e.offer.unitPrice, e]));
      expect(byPrice.get(price.dear)!.priceScore).toBeCloseTo(price.cheap / price.dear, 9);
      expect(byPrice.get(price.cheap)!.priceScore).toBe(1);
      expect(byPrice.get(price.winner)!.total).toBeGreaterThan(byPrice.get(price.cheap)!.total);
      expect([...byPrice.values()].map((e) => e.pricePosition).sort()).toEqual([1, 2, 3]);
    }
  });
});

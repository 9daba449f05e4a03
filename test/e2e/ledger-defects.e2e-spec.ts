/**
 * The defects of issue 7 that the stock-and-award ledger and the award path fix, each driven
 * through the GraphQL API against real Postgres (the evaluate job is run by hand, so a test can
 * act while it runs):
 * 1. one absurd price froze a whole market, and once stored made reports fail;
 * 2. a lot expiring before the delivery date was offered and awarded;
 * 3. a suspension racing an evaluation was lost (offers INVALID then AWARDED, orders unflagged);
 * 12. nothing stopped a reservation or an award beyond its bounds.
 * After every test the quantity invariants are checked in SQL.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MarketEvaluationService } from '../../libs/market/src/market-evaluation.service.js';
import { ShortfallService } from '../../libs/market/src/shortfall.service.js';
import { DemandService } from '../../libs/market/src/demand.service.js';
import { StockLedgerService } from '../../libs/market/src/stock-ledger.service.js';
import { DomainError } from '../../libs/core/src/domain-error.js';
import { expectQuantityInvariants } from '../support/invariants.js';
import { daysFromNow, errorCode, secondsFromNow, TestSystem } from '../support/test-app.js';

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status } }`;
const SUBMIT_MANY = `mutation($input: [OfferInput!]!) { submitOffers(input: $input) { id } }`;
const SUSPEND = `mutation($id: ID!) { suspendCooperative(id: $id, reason: "Food-safety incident") { id suspended } }`;
const DEMAND = `query($id: ID!) { demand(id: $id) { id status lines { id awardedQuantity
  evaluations { valid invalidReason explanation offer { id status } } awards { quantity } } } }`;
const ALERTS = `query { alerts(regionCode: "35.72") { kind entityId message messageId } }`;
const MAX_SAFE = '9007199254740991';

describe('the ledger defects (issue 7: 1, 2, 3, 12)', () => {
  let system: TestSystem;
  let db: DataSource;
  let evaluation: MarketEvaluationService;
  let t: Record<'kitchen' | 'otherKitchen' | 'sentul' | 'turi' | 'coordinator', string>;
  let org: Record<'sentul' | 'turi', string>;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    db = system.api.get<DataSource>(getDataSourceToken());
    evaluation = system.api.get(MarketEvaluationService);
    const [kitchen, otherKitchen, sentul, turi, coordinator] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('sppg.gedog@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('kkmp.turi@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
    ]);
    t = { kitchen, otherKitchen, sentul, turi, coordinator };
    const orgOf = async (email: string) =>
      (
        (await db.query('select organization_id from app_user where email = $1', [email])) as {
          organization_id: string;
        }[]
      )[0]!.organization_id;
    org = {
      sentul: await orgOf('kkmp.sentul@pasargizi.test'),
      turi: await orgOf('kkmp.turi@pasargizi.test'),
    };
  });
  afterEach(async () => {
    evaluation.pauseHook = null;
    await expectQuantityInvariants(db);
  });
  afterAll(async () => system?.stop());

  async function postDemand(
    token: string,
    deliveryDate: string,
    commodityCode: string,
    quantity: number,
    closesAt: string,
  ) {
    const data = await system.ok<{ postDemand: { id: string; lines: { id: string }[] } }>(
      POST_DEMAND,
      { input: { deliveryDate, biddingClosesAt: closesAt, lines: [{ commodityCode, quantity }] } },
      { token },
    );
    return { id: data.postDemand.id, lineId: data.postDemand.lines[0]!.id };
  }

  async function addLot(
    token: string,
    commodityCode: string,
    quantity: number,
    expiresOn: string | null = null,
  ) {
    const data = await system.ok<{ addStockLot: { id: string } }>(
      ADD_LOT,
      { input: { commodityCode, quantity, grade: 'A', source: 'OWN', expiresOn } },
      { token },
    );
    return data.addStockLot.id;
  }

  async function offer(
    token: string,
    demandLineId: string,
    stockLotId: string,
    quantity: number,
    unitPrice: number,
  ) {
    const data = await system.ok<{ submitOffer: { id: string } }>(
      SUBMIT,
      { input: { demandLineId, stockLotId, quantity, unitPrice } },
      { token },
    );
    return data.submitOffer.id;
  }

  /**
   * Closes the demands as one market moment and returns the batch: their bidding is moved to a
   * moment just past (setting up offers on a loaded machine must not race a short window), then
   * their close jobs run by hand.
   */
  async function closeAll(_postedCloseAt: string, ...demandIds: string[]): Promise<string> {
    await db.query(`update demand_request set bidding_closes_at = $2 where id = any($1::uuid[])`, [
      demandIds,
      new Date(Date.now() - 1000),
    ]);
    const market = system.api.get(DemandService);
    const closed = await Promise.all(demandIds.map((id) => market.closeDueDemand(id)));
    return closed[0]!.batchId!;
  }

  const demand = async (id: string, token: string) =>
    (await system.ok<{ demand: any }>(DEMAND, { id }, { token })).demand;

  describe('1. one absurd price', () => {
    it('an offer above 10x the reference price, or worth more than one order may hold, is BAD_USER_INPUT in both languages', async () => {
      const closesAt = secondsFromNow(3600);
      const potatoes = await postDemand(t.kitchen, daysFromNow(30), 'POTATO', 2000, closesAt);
      const lot = await addLot(t.sentul, 'POTATO', 2000);
      // Reference for POTATO in Kota Blitar: Rp18.000 per kg, an observed price with no legal ceiling; 10x is the most an offer may ask.
      const tooDear = await system.request(
        SUBMIT,
        {
          input: { demandLineId: potatoes.lineId, stockLotId: lot, quantity: 2000, unitPrice: 180_001 },
        },
        { token: t.sentul },
      );
      expect(errorCode(tooDear)).toBe('BAD_USER_INPUT');
      expect(tooDear.errors![0]!.message).toContain('10× the reference price Rp18.000');
      expect((tooDear.errors![0]!.extensions!['messages'] as { id: string }).id).toContain(
        'harga acuan Rp18.000',
      );
      const absurd = await system.request(
        SUBMIT,
        {
          input: { demandLineId: potatoes.lineId, stockLotId: lot, quantity: 2, unitPrice: Number(MAX_SAFE) },
        },
        { token: t.sentul },
      );
      expect(errorCode(absurd)).toBe('BAD_USER_INPUT');
      const batch = await system.request(
        SUBMIT_MANY,
        {
          input: [
            { demandLineId: potatoes.lineId, stockLotId: lot, quantity: 2000, unitPrice: 13_000 },
            { demandLineId: potatoes.lineId, stockLotId: lot, quantity: 2000, unitPrice: 9_000_000_000 },
          ],
        },
        { token: t.sentul },
      );
      expect(errorCode(batch)).toBe('BAD_USER_INPUT');
      // At 10x exactly the offer stands.
      expect(await offer(t.sentul, potatoes.lineId, lot, 2000, 180_000)).toEqual(expect.any(String));
      const [{ count }] = await db.query(
        `select count(*)::int as count from offer where demand_line_id = $1`,
        [potatoes.lineId],
      );
      expect(count).toBe(1);
    });

    it('a demand whose orders cannot be stored fails alone: the market is evaluated, the demand is marked, coordinators are alerted, reports still answer', async () => {
      const closesAt = secondsFromNow(3600);
      const deliveryDate = daysFromNow(31);
      const poisoned = await postDemand(t.kitchen, deliveryDate, 'POTATO', 2000, closesAt);
      const twoKilos = await postDemand(t.otherKitchen, deliveryDate, 'EGG', 2, closesAt);
      const healthy = await postDemand(t.otherKitchen, deliveryDate, 'POTATO', 100, closesAt);
      const sentulPotatoes = await addLot(t.sentul, 'POTATO', 2000);
      const sentulEggs = await addLot(t.sentul, 'EGG', 10);
      const turiPotatoes = await addLot(t.turi, 'POTATO', 500);
      await offer(t.turi, healthy.lineId, turiPotatoes, 100, 13_000);
      await offer(t.turi, poisoned.lineId, turiPotatoes, 400, 13_400);
      // Offers stored before prices were bounded (the probe's case): 2,000 kg and 2 kg at Rp 2^53 - 1.
      for (const [line, demandId, lot, quantity] of [
        [poisoned.lineId, poisoned.id, sentulPotatoes, '2000'],
        [twoKilos.lineId, twoKilos.id, sentulEggs, '2'],
      ] as const) {
        await db.query(
          `insert into offer (demand_line_id, demand_id, cooperative_id, stock_lot_id, quantity, unit_price, grade, status)
           values ($1, $2, $3, $4, $5, $6, 'A', 'SUBMITTED')`,
          [line, demandId, org.sentul, lot, quantity, MAX_SAFE],
        );
      }
      const batchId = await closeAll(closesAt, poisoned.id, twoKilos.id, healthy.id);
      await expect(evaluation.evaluateBatch(batchId)).resolves.toMatchObject({ evaluated: true });

      const healthyAfter = await demand(healthy.id, t.otherKitchen);
      expect(healthyAfter).toMatchObject({ status: 'AWARDED', lines: [{ awardedQuantity: 100 }] });
      for (const [id, token] of [
        [poisoned.id, t.kitchen],
        [twoKilos.id, t.otherKitchen],
      ] as const) {
        const failed = await demand(id, token);
        expect(failed.status).toBe('UNFILLED');
        expect(failed.lines[0].awardedQuantity).toBe(0);
        expect(failed.lines[0].awards).toEqual([]);
        for (const e of failed.lines[0].evaluations) {
          expect(e).toMatchObject({ valid: false, offer: { status: 'INVALID' } });
          expect(e.explanation).toMatch(
            /would exceed Rp1\.000\.000\.000\.000|akan melebihi Rp1\.000\.000\.000\.000/,
          );
        }
      }
      const alerts = (
        await system.ok<{ alerts: { kind: string; entityId: string; messageId: string }[] }>(
          ALERTS,
          {},
          { token: t.coordinator },
        )
      ).alerts;
      const raised = alerts.filter((a) => a.kind === 'AWARD_TOTAL_TOO_LARGE').map((a) => a.entityId);
      expect(raised.sort()).toEqual([poisoned.id, twoKilos.id].sort());

      // Nothing stored is unserialisable: the kitchen's and the city's reports answer.
      for (const token of [t.kitchen, t.otherKitchen, t.coordinator, t.sentul]) {
        const orders = await system.request(
          `{ purchaseOrders(first: 50) { edges { node { total lines { unitPrice } } } } }`,
          {},
          { token },
        );
        expect(orders.errors).toBeUndefined();
      }
      for (const token of [t.kitchen, t.otherKitchen]) {
        const spending = await system.request(
          `query($d: Date!) { kitchenSpending(cycleStart: $d) { invoiced committed } }`,
          { d: deliveryDate },
          { token },
        );
        expect(spending.errors).toBeUndefined();
      }
      const report = await system.request(
        `query($d: Date!) { fulfilmentReport(regionCode: "35.72", from: $d, to: $d) { spend awardedQuantity byCooperative { revenue } } }`,
        { d: deliveryDate },
        { token: t.coordinator },
      );
      expect(report.errors).toBeUndefined();
      // And the database refuses an unserialisable total outright.
      await expect(
        db.query(`update purchase_order set total = $1::bigint + 1 where demand_id = $2`, [
          MAX_SAFE,
          healthy.id,
        ]),
      ).rejects.toThrow(/CHK_purchase_order_total/);
    });
  });

  describe('2. expired food', () => {
    it('an offer from a lot expiring before the delivery date is BAD_USER_INPUT naming both dates (submitOffer and submitOffers)', async () => {
      const deliveryDate = daysFromNow(6);
      const expiresOn = daysFromNow(1);
      const eggs = await postDemand(t.kitchen, deliveryDate, 'EGG', 50, secondsFromNow(3600));
      const lot = await addLot(t.sentul, 'EGG', 80, expiresOn);
      const one = await system.request(
        SUBMIT,
        {
          input: { demandLineId: eggs.lineId, stockLotId: lot, quantity: 50, unitPrice: 29_000 },
        },
        { token: t.sentul },
      );
      expect(errorCode(one)).toBe('BAD_USER_INPUT');
      expect(one.errors![0]!.message).toContain(expiresOn);
      expect(one.errors![0]!.message).toContain(deliveryDate);
      expect((one.errors![0]!.extensions!['messages'] as { id: string }).id).toContain(
        `kedaluwarsa pada ${expiresOn}`,
      );
      const fresh = await addLot(t.sentul, 'EGG', 80, deliveryDate);
      const many = await system.request(
        SUBMIT_MANY,
        {
          input: [
            { demandLineId: eggs.lineId, stockLotId: fresh, quantity: 50, unitPrice: 29_000 },
            { demandLineId: eggs.lineId, stockLotId: lot, quantity: 50, unitPrice: 29_000 },
          ],
        },
        { token: t.sentul },
      );
      expect(errorCode(many)).toBe('BAD_USER_INPUT');
      expect(many.errors![0]!.message).toMatch(new RegExp(`^Offer 2: .*${expiresOn}.*${deliveryDate}`));
      // A lot good until the delivery day itself may be offered.
      expect(await offer(t.sentul, eggs.lineId, fresh, 50, 29_000)).toEqual(expect.any(String));
    });

    it('at evaluation an offer whose lot now expires before delivery is INVALID with an explanation; the fresh offer wins', async () => {
      const closesAt = secondsFromNow(3600);
      const deliveryDate = daysFromNow(6);
      const eggs = await postDemand(t.kitchen, deliveryDate, 'EGG', 40, closesAt);
      const cheapLot = await addLot(t.sentul, 'EGG', 40, deliveryDate);
      const freshLot = await addLot(t.turi, 'EGG', 40, daysFromNow(20));
      const cheap = await offer(t.sentul, eggs.lineId, cheapLot, 40, 25_000);
      const fresh = await offer(t.turi, eggs.lineId, freshLot, 40, 29_000);
      // The cooperative corrects the lot's date after offering (the date may change; the check must hold at award).
      await db.query(`update stock_lot set expires_on = $2 where id = $1`, [cheapLot, daysFromNow(2)]);
      const batchId = await closeAll(closesAt, eggs.id);
      await evaluation.evaluateBatch(batchId);
      const after = await demand(eggs.id, t.kitchen);
      expect(after.status).toBe('AWARDED');
      const byOffer = new Map(after.lines[0].evaluations.map((e: any) => [e.offer.id, e]));
      expect(byOffer.get(cheap)).toMatchObject({
        valid: false,
        invalidReason: 'EXPIRES_BEFORE_DELIVERY',
        offer: { status: 'INVALID' },
      });
      expect((byOffer.get(cheap) as any).explanation).toContain(daysFromNow(2));
      expect(byOffer.get(fresh)).toMatchObject({ valid: true, offer: { status: 'AWARDED' } });
    });
    it('at re-award a standing offer whose lot now expires before delivery is left out: the shortfall is re-tendered', async () => {
      const closesAt = secondsFromNow(3600);
      const deliveryDate = daysFromNow(7);
      const eggs = await postDemand(t.kitchen, deliveryDate, 'EGG', 30, closesAt);
      const sentulLot = await addLot(t.sentul, 'EGG', 30, deliveryDate);
      const turiLot = await addLot(t.turi, 'EGG', 30, deliveryDate);
      await offer(t.sentul, eggs.lineId, sentulLot, 30, 25_000);
      const standing = await offer(t.turi, eggs.lineId, turiLot, 30, 29_000);
      await evaluation.evaluateBatch(await closeAll(closesAt, eggs.id));
      const [order] = await db.query(`select id from purchase_order where demand_id = $1`, [eggs.id]);
      // The runner-up's lot turns out to expire before delivery; then the winner declines.
      await db.query(`update stock_lot set expires_on = $2 where id = $1`, [turiLot, daysFromNow(3)]);
      await system.ok(
        `mutation($id: ID!) { declineOrder(id: $id, reason: "Hens stopped laying") { status } }`,
        { id: order.id },
        { token: t.sentul },
      );
      const [shortfall] = await db.query(`select id from shortfall where demand_line_id = $1`, [eggs.lineId]);
      const outcome = await system.api.get(ShortfallService).resolve(shortfall.id);
      expect(outcome).toMatchObject({
        resolved: true,
        reawardedMilli: 0,
        retenderDemandId: expect.any(String),
      });
      const [{ status }] = await db.query('select status from offer where id = $1', [standing]);
      expect(status).toBe('NOT_AWARDED');
      const [{ n }] = await db.query(
        `select count(*)::int as n from purchase_order where demand_id = $1 and status = 'CONFIRMED'`,
        [eggs.id],
      );
      expect(n).toBe(0);
    });
  });

  describe('3. a suspension racing the evaluation', () => {
    async function raceSetup(deliveryDays: number) {
      const closesAt = secondsFromNow(3600);
      const rice = await postDemand(t.kitchen, daysFromNow(deliveryDays), 'RICE_MEDIUM', 60, closesAt);
      const cheapLot = await addLot(t.sentul, 'RICE_MEDIUM', 60);
      const otherLot = await addLot(t.turi, 'RICE_MEDIUM', 60);
      const cheap = await offer(t.sentul, rice.lineId, cheapLot, 60, 12_000);
      const dear = await offer(t.turi, rice.lineId, otherLot, 60, 13_000);
      const batchId = await closeAll(closesAt, rice.id);
      return { rice, cheap, dear, batchId };
    }

    afterEach(async () => {
      // Reinstate for the next test (the coordinator's lever).
      await db.query(`update organization set suspended = false, suspended_reason = null where id = $1`, [
        org.sentul,
      ]);
    });

    it('a suspension that commits while the evaluation has loaded its offers is seen: no award, the offer stays INVALID', async () => {
      const { rice, cheap, dear, batchId } = await raceSetup(40);
      evaluation.pauseHook = async (step) => {
        if (step === 'loaded') await system.ok(SUSPEND, { id: org.sentul }, { token: t.coordinator });
      };
      await evaluation.evaluateBatch(batchId);
      const after = await demand(rice.id, t.kitchen);
      expect(after.status).toBe('AWARDED');
      const [{ status }] = await db.query('select status from offer where id = $1', [cheap]);
      expect(status).toBe('INVALID');
      const orders = await db.query(`select cooperative_id from purchase_order where demand_id = $1`, [
        rice.id,
      ]);
      expect(orders).toEqual([{ cooperative_id: org.turi }]);
      const [{ status: winner }] = await db.query('select status from offer where id = $1', [dear]);
      expect(winner).toBe('AWARDED');
    });

    it('a suspension arriving after the evaluation locked the cooperative waits for it, then flags its orders and alerts', async () => {
      const { rice, cheap, batchId } = await raceSetup(41);
      let suspension: Promise<unknown> | null = null;
      let suspendedEarly = false;
      evaluation.pauseHook = async (step) => {
        if (step !== 'engine-ran') return;
        suspension = system.ok(SUSPEND, { id: org.sentul }, { token: t.coordinator }).then(() => {
          suspendedEarly = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 700));
      };
      await evaluation.evaluateBatch(batchId);
      expect(suspendedEarly).toBe(false); // it waited on the cooperative's row
      await suspension;
      const [{ status }] = await db.query('select status from offer where id = $1', [cheap]);
      expect(status).toBe('AWARDED'); // never moved back out of a state it no longer held
      const orders: { id: string; attention_reason: string | null }[] = await db.query(
        `select id, attention_reason from purchase_order where demand_id = $1 and cooperative_id = $2`,
        [rice.id, org.sentul],
      );
      expect(orders).toHaveLength(1);
      expect(orders[0]!.attention_reason).toContain('suspended');
      const alerts = (
        await system.ok<{ alerts: { kind: string; entityId: string }[] }>(
          ALERTS,
          {},
          { token: t.coordinator },
        )
      ).alerts;
      expect(alerts).toContainEqual(
        expect.objectContaining({ kind: 'SUSPENDED_SUPPLIER_ORDER', entityId: orders[0]!.id }),
      );
    });

    it('many evaluations each racing a suspension: never an unflagged order from a suspended cooperative', async () => {
      for (let round = 0; round < 6; round++) {
        const { rice, batchId } = await raceSetup(50 + round);
        const suspension = new Promise((resolve) => setTimeout(resolve, round * 15)).then(() =>
          system.ok(SUSPEND, { id: org.sentul }, { token: t.coordinator }),
        );
        await Promise.all([evaluation.evaluateBatch(batchId), suspension]);
        const unflagged = await db.query(
          `select o.id from purchase_order o join organization c on c.id = o.cooperative_id
            where o.demand_id = $1 and c.suspended and o.attention_reason is null`,
          [rice.id],
        );
        expect(unflagged).toEqual([]);
        const awardedInvalid = await db.query(
          `select e.offer_id from offer_evaluation e join offer o on o.id = e.offer_id
            where o.demand_id = $1 and o.status = 'AWARDED' and o.cooperative_id = $2 and not exists (
              select 1 from purchase_order p where p.demand_id = $1 and p.cooperative_id = $2 and p.attention_reason is not null)`,
          [rice.id, org.sentul],
        );
        expect(awardedInvalid).toEqual([]);
        await db.query(`update organization set suspended = false, suspended_reason = null where id = $1`, [
          org.sentul,
        ]);
        await expectQuantityInvariants(db);
      }
    });
  });

  describe('12. reservations and awards beyond their bounds', () => {
    it('the ledger refuses, names the row, and moves nothing; the database CHECKs back it', async () => {
      const ledger = system.api.get(StockLedgerService);
      const rice = await postDemand(t.kitchen, daysFromNow(60), 'RICE_MEDIUM', 10, secondsFromNow(3600));
      const small = await addLot(t.sentul, 'RICE_MEDIUM', 5);
      const big = await addLot(t.sentul, 'RICE_MEDIUM', 100);
      const reserved = async () =>
        (await db.query(
          `select id, reserved_quantity::text as r from stock_lot where id = any($1::uuid[]) order by id`,
          [[small, big]],
        )) as { r: string }[];
      const before = await reserved();
      const refusal = await db.transaction((tx) =>
        ledger
          .reserve(tx, [
            { stockLotId: big, milli: 50_000 },
            { stockLotId: small, milli: 4_000 },
            { stockLotId: small, milli: 2_000 }, // summed per lot: 6 of 5
          ])
          .then(
            () => null,
            (error: unknown) => error,
          ),
      );
      expect(refusal).toBeInstanceOf(DomainError);
      expect((refusal as DomainError).code).toBe('CONFLICT');
      expect((refusal as DomainError).messages.en).toContain(small);
      expect((refusal as DomainError).messages.id).toContain(small);
      expect(await reserved()).toEqual(before); // all or nothing, even in a transaction that commits
      await expect(
        db.transaction((tx) => ledger.release(tx, [{ stockLotId: big, milli: 1 }])),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(
        db.transaction((tx) => ledger.award(tx, [{ demandLineId: rice.lineId, milli: 10_001 }])),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(
        db.transaction((tx) => ledger.unaward(tx, [{ demandLineId: rice.lineId, milli: 1 }])),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      await db.transaction(async (tx) => {
        await ledger.award(tx, [
          { demandLineId: rice.lineId, milli: 4_000 },
          { demandLineId: rice.lineId, milli: 6_000 },
        ]);
        await ledger.unaward(tx, [{ demandLineId: rice.lineId, milli: 10_000 }]);
      });
      await expect(
        db.query(`update demand_line set awarded_quantity = quantity + 1 where id = $1`, [rice.lineId]),
      ).rejects.toThrow(/CHK_demand_line_awarded/);
      await expect(
        db.query(`update stock_lot set reserved_quantity = quantity + 1 where id = $1`, [small]),
      ).rejects.toThrow(/CHK_stock_lot_reserved/);
    });
  });
});

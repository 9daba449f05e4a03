/**
 * The jobs-and-races scenarios, run by test/e2e/jobs-and-races.e2e-spec.ts on one Redis and by
 * test/e2e/redis-cluster.e2e-spec.ts on a Redis Cluster with several market queue groups.
 *
 * The jobs and the races: the evaluate and close jobs are idempotent and all-or-nothing, the
 * outbox publishes deterministic job ids, one lot is never promised beyond its stock when
 * evaluations race, and concurrent requests on one row end in one winner and CONFLICTs.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Job, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { MarketProcessor } from '../../apps/worker/src/market.processor.js';
import { ProducerQueues } from '../../libs/jobs/src/producer-queues.js';
import { marketQueueFor } from '../../libs/jobs/src/queues.js';
import { MarketEvaluationService } from '../../libs/market/src/market-evaluation.service.js';
import { DemandService } from '../../libs/market/src/demand.service.js';
import {
  daysFromNow,
  errorCode,
  eventually,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from './test-app.js';
import { expectQuantityInvariants } from './invariants.js';

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status biddingClosesAt lines { id quantity commodity { code } } }
}`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id availableQuantity } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelDemand(id: $id) { id status } }`;

interface PostedDemand {
  id: string;
  status: string;
  biddingClosesAt: string;
  lines: { id: string; quantity: number; commodity: { code: string } }[];
}

interface Footprint {
  evaluations: number;
  orders: number;
  orderLines: number;
  batches: number;
  outbox: number;
  audit: number;
  counters: string;
}

/** Test helpers over one running system: GraphQL as the users, SQL as the auditor. */
class Market {
  readonly db: DataSource;

  constructor(readonly system: TestSystem) {
    this.db = system.api.get<DataSource>(getDataSourceToken());
  }

  async sql<T = Record<string, unknown>>(query: string, parameters: unknown[] = []): Promise<T[]> {
    return (await this.db.query(query, parameters)) as T[];
  }

  async postDemand(
    token: string,
    deliveryDate: string,
    lines: { commodityCode: string; quantity: number }[],
    biddingClosesAt = secondsFromNow(3600),
  ): Promise<PostedDemand> {
    const data = await this.system.ok<{ postDemand: PostedDemand }>(
      POST_DEMAND,
      { input: { deliveryDate, biddingClosesAt, lines } },
      { token },
    );
    return data.postDemand;
  }

  async addLot(token: string, commodityCode: string, quantity: number): Promise<string> {
    const data = await this.system.ok<{ addStockLot: { id: string } }>(
      ADD_LOT,
      { input: { commodityCode, quantity, grade: 'A', source: 'OWN' } },
      { token },
    );
    return data.addStockLot.id;
  }

  async offer(token: string, demandLineId: string, stockLotId: string, quantity: number, unitPrice: number) {
    const data = await this.system.ok<{ submitOffer: { id: string } }>(
      SUBMIT,
      { input: { demandLineId, stockLotId, quantity, unitPrice } },
      { token },
    );
    return data.submitOffer.id;
  }

  async close(token: string, demandId: string): Promise<void> {
    const data = await this.system.ok<{ closeBidding: { status: string } }>(
      CLOSE,
      { id: demandId },
      { token },
    );
    expect(data.closeBidding.status).toBe('EVALUATING');
  }

  async batchOf(demandId: string): Promise<string> {
    const [row] = await this.sql<{ batch_id: string | null }>(
      'select batch_id from demand_request where id = $1',
      [demandId],
    );
    if (!row?.batch_id) throw new Error(`demand ${demandId} has no batch`);
    return row.batch_id;
  }

  async status(demandId: string): Promise<string> {
    const [row] = await this.sql<{ status: string }>('select status from demand_request where id = $1', [
      demandId,
    ]);
    return row!.status;
  }

  /** Reserved quantity of each lot, as exact decimal text. */
  async reserved(...lotIds: string[]): Promise<string[]> {
    const rows = await this.sql<{ id: string; reserved: string }>(
      'select id, reserved_quantity::text as reserved from stock_lot where id = any($1::uuid[])',
      [lotIds],
    );
    return lotIds.map((id) => rows.find((row) => row.id === id)!.reserved);
  }

  /** Everything an evaluation or a close writes, counted over the whole database. */
  async footprint(): Promise<Footprint> {
    const [row] = await this.sql<Record<string, string>>(
      `select (select count(*) from offer_evaluation) as evaluations,
              (select count(*) from purchase_order) as orders,
              (select count(*) from order_line) as order_lines,
              (select count(*) from market_batch) as batches,
              (select count(*) from outbox_message) as outbox,
              (select count(*) from audit_entry) as audit,
              (select coalesce(string_agg(market_code || '/' || delivery_date || '=' || last_number, ','
                 order by market_code, delivery_date), '') from order_number_counter) as counters`,
    );
    return {
      evaluations: Number(row!.evaluations),
      orders: Number(row!.orders),
      orderLines: Number(row!.order_lines),
      batches: Number(row!.batches),
      outbox: Number(row!.outbox),
      audit: Number(row!.audit),
      counters: row!.counters!,
    };
  }

  /** Orders of one demand: number, cooperative and lines (lot, quantity), in a stable order. */
  async ordersOf(demandId: string) {
    return this.sql<{ number: string; status: string; lots: string }>(
      `select o.number, o.status,
              string_agg(l.stock_lot_id || ':' || l.quantity::text, ',' order by l.stock_lot_id) as lots
         from purchase_order o join order_line l on l.order_id = o.id
        where o.demand_id = $1 group by o.id order by o.number`,
      [demandId],
    );
  }
}

async function loginAll(system: TestSystem) {
  const [kitchen, otherKitchen, thirdKitchen, sentul, turi, gedog, coordinator] = await Promise.all([
    system.login('sppg.sentul@pasargizi.test'),
    system.login('sppg.gedog@pasargizi.test'),
    system.login('sppg.bendo@pasargizi.test'),
    system.login('kkmp.sentul@pasargizi.test'),
    system.login('kkmp.turi@pasargizi.test'),
    system.login('kkmp.gedog@pasargizi.test'),
    system.login('koordinator@pasargizi.test'),
  ]);
  return { kitchen, otherKitchen, thirdKitchen, sentul, turi, gedog, coordinator };
}

type Tokens = Awaited<ReturnType<typeof loginAll>>;

/**
 * Registers both describe blocks. `env()` is read when each block's system starts (after any
 * outer beforeAll, e.g. one that starts a Redis Cluster); `label` names the setting.
 */
export function describeJobsAndRaces(label: string, env: () => Record<string, string> = () => ({})): void {
  describe(`jobs and races (${label}), with the worker stopped (the test runs each job by hand)`, () => {
    let system: TestSystem;
    let market: Market;
    let t: Tokens;
    let evaluation: MarketEvaluationService;

    beforeAll(async () => {
      system = await TestSystem.start({ worker: false, env: env() });
      market = new Market(system);
      t = await loginAll(system);
      evaluation = system.api.get(MarketEvaluationService);
    });
    afterEach(async () => {
      evaluation.failPoint = null;
      evaluation.pauseHook = null;
      await expectQuantityInvariants(market.db);
    });
    afterAll(async () => system?.stop());

    /** Two lines, two cooperatives: the evaluation makes two orders and reserves two lots. */
    async function closedTwoSupplierDemand(deliveryDate: string) {
      const demand = await market.postDemand(t.kitchen, deliveryDate, [
        { commodityCode: 'RICE_MEDIUM', quantity: 200 },
        { commodityCode: 'EGG', quantity: 50.5 },
      ]);
      const [rice, egg] = demand.lines;
      const riceLot = await market.addLot(t.sentul, 'RICE_MEDIUM', 300);
      const eggLot = await market.addLot(t.gedog, 'EGG', 60);
      await market.offer(t.sentul, rice!.id, riceLot, 200, 13000);
      await market.offer(t.gedog, egg!.id, eggLot, 50.5, 29000);
      await market.close(t.kitchen, demand.id);
      return { demand, riceLot, eggLot, batchId: await market.batchOf(demand.id) };
    }

    it.each(['after-evaluations', 'after-orders'] as const)(
      'an evaluation killed %s leaves nothing behind, and its retry makes the orders exactly once',
      async (failPoint) => {
        const deliveryDate = failPoint === 'after-orders' ? daysFromNow(20) : daysFromNow(21);
        const { demand, riceLot, eggLot, batchId } = await closedTwoSupplierDemand(deliveryDate);
        // Closing wrote the batch and the evaluate job into the outbox; no worker picks it up.
        const queued = await market.sql<{ job_id: string; published_at: Date | null }>(
          `select job_id, published_at from outbox_message where job_name = 'evaluate-market' and payload->>'batchId' = $1`,
          [batchId],
        );
        expect(queued).toEqual([{ job_id: `evaluate-market.${batchId}`, published_at: null }]);
        const before = await market.footprint();

        evaluation.failPoint = failPoint;
        await expect(evaluation.evaluateBatch(batchId)).rejects.toThrow(`fail point: ${failPoint}`);

        expect(await market.footprint()).toEqual(before);
        expect(await market.reserved(riceLot, eggLot)).toEqual(['0.000', '0.000']);
        expect(await market.status(demand.id)).toBe('EVALUATING');
        expect(await market.ordersOf(demand.id)).toEqual([]);
        const offers = await market.sql<{ status: string }>('select status from offer where demand_id = $1', [
          demand.id,
        ]);
        expect(offers.map((offer) => offer.status)).toEqual(['SUBMITTED', 'SUBMITTED']);
        const [batch] = await market.sql<{ status: string }>(
          'select status from market_batch where id = $1',
          [batchId],
        );
        expect(batch!.status).toBe('PENDING');

        // The retry (BullMQ's next attempt) does the whole job once.
        evaluation.failPoint = null;
        const retried = await evaluation.evaluateBatch(batchId);
        expect(retried).toMatchObject({ batchId, evaluated: true, demands: 1, offers: 2, orders: 2 });
        expect(await market.status(demand.id)).toBe('AWARDED');
        expect(await market.reserved(riceLot, eggLot)).toEqual(['200.000', '50.500']);
        const orders = await market.ordersOf(demand.id);
        // The failed run's order numbers were rolled back with it: the retry starts at 0001.
        const day = deliveryDate.replace(/-/g, '');
        expect(orders.map((order) => order.number)).toEqual([`PO-3572-${day}-0001`, `PO-3572-${day}-0002`]);
        expect(orders.map((order) => order.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
        expect(orders.map((order) => order.lots).sort()).toEqual(
          [`${riceLot}:200.000`, `${eggLot}:50.500`].sort(),
        );
        const after = await market.footprint();
        expect(after).toMatchObject({
          evaluations: before.evaluations + 2,
          orders: before.orders + 2,
          orderLines: before.orderLines + 2,
        });

        // A third run (a duplicate delivery of the job) changes nothing at all.
        const third = await evaluation.evaluateBatch(batchId);
        expect(third).toMatchObject({ batchId, evaluated: false, orders: 0 });
        expect(await market.footprint()).toEqual(after);
        expect(await market.reserved(riceLot, eggLot)).toEqual(['200.000', '50.500']);
      },
    );

    it('two runs of one evaluate job at once: one evaluates, the other finds nothing to do', async () => {
      const { demand, riceLot, eggLot, batchId } = await closedTwoSupplierDemand(daysFromNow(22));
      const before = await market.footprint();
      const runs = await Promise.all([evaluation.evaluateBatch(batchId), evaluation.evaluateBatch(batchId)]);
      expect(runs.map((run) => run.evaluated).sort()).toEqual([false, true]);
      const after = await market.footprint();
      expect(after.orders - before.orders).toBe(2);
      expect(after.evaluations - before.evaluations).toBe(2);
      expect(await market.ordersOf(demand.id)).toHaveLength(2);
      expect(await market.reserved(riceLot, eggLot)).toEqual(['200.000', '50.500']);
    });

    it('two evaluations racing for one lot never promise more than it holds', async () => {
      // Three rounds, each with its own lot and two batches (two delivery dates) that both want it.
      for (let round = 0; round < 3; round++) {
        const first = await market.postDemand(t.kitchen, daysFromNow(30 + 2 * round), [
          { commodityCode: 'TOFU', quantity: 80 },
        ]);
        const second = await market.postDemand(t.otherKitchen, daysFromNow(31 + 2 * round), [
          { commodityCode: 'TOFU', quantity: 80 },
        ]);
        const lot = await market.addLot(t.turi, 'TOFU', 100);
        await market.offer(t.turi, first.lines[0]!.id, lot, 80, 12000);
        await market.offer(t.turi, second.lines[0]!.id, lot, 80, 12000);
        await market.close(t.kitchen, first.id);
        await market.close(t.otherKitchen, second.id);
        const [a, b] = [await market.batchOf(first.id), await market.batchOf(second.id)];
        expect(a).not.toBe(b);

        // Both jobs at once, as two workers would run them: no error (the CHECK never fires).
        const runs = await Promise.all([evaluation.evaluateBatch(a), evaluation.evaluateBatch(b)]);
        expect(runs.map((run) => run.evaluated)).toEqual([true, true]);

        expect(await market.reserved(lot)).toEqual(['100.000']);
        const [awarded] = await market.sql<{ total: string; lines: string }>(
          `select sum(quantity)::text as total, count(*)::text as lines from order_line where stock_lot_id = $1`,
          [lot],
        );
        expect(awarded).toEqual({ total: '100.000', lines: '2' });
        const lines = await market.sql<{ awarded: string }>(
          `select awarded_quantity::text as awarded from demand_line where id = any($1::uuid[]) order by awarded_quantity`,
          [[first.lines[0]!.id, second.lines[0]!.id]],
        );
        // Whichever batch took the lock first got its 80 kg; the other got what was left.
        expect(lines.map((line) => line.awarded)).toEqual(['20.000', '80.000']);
        const statuses = [await market.status(first.id), await market.status(second.id)].sort();
        expect(statuses).toEqual(['AWARDED', 'PARTIALLY_AWARDED']);
      }
    });

    it('20 concurrent offers of one lot on one line: one stands, the others are CONFLICT', async () => {
      const demand = await market.postDemand(t.kitchen, daysFromNow(40), [
        { commodityCode: 'CABBAGE', quantity: 50 },
      ]);
      const lot = await market.addLot(t.sentul, 'CABBAGE', 60);
      const input = { demandLineId: demand.lines[0]!.id, stockLotId: lot, quantity: 50, unitPrice: 8000 };
      const results = await Promise.all(
        Array.from({ length: 20 }, () => system.request(SUBMIT, { input }, { token: t.sentul })),
      );
      const succeeded = results.filter((result) => !result.errors);
      expect(succeeded).toHaveLength(1);
      expect(results.filter((result) => result.errors).map(errorCode)).toEqual(Array(19).fill('CONFLICT'));
      const stored = await market.sql<{ id: string; status: string }>(
        'select id, status from offer where demand_line_id = $1',
        [demand.lines[0]!.id],
      );
      expect(stored).toEqual([{ id: succeeded[0]!.data!.submitOffer.id, status: 'SUBMITTED' }]);
      const audited = await market.sql<{ count: string }>(
        `select count(*)::text as count from audit_entry where action = 'offer.submitted' and entity_id = any($1::uuid[])`,
        [stored.map((offer) => offer.id)],
      );
      expect(audited).toEqual([{ count: '1' }]);
    });

    it('two concurrent closeBidding on one demand: one closes it, the other is CONFLICT, one batch and one job', async () => {
      const demand = await market.postDemand(t.kitchen, daysFromNow(41), [
        { commodityCode: 'CARROT', quantity: 30 },
      ]);
      const before = await market.footprint();
      const results: GraphQLResult[] = await Promise.all([
        system.request(CLOSE, { id: demand.id }, { token: t.kitchen }),
        system.request(CLOSE, { id: demand.id }, { token: t.coordinator }),
      ]);
      expect(results.filter((result) => !result.errors)).toHaveLength(1);
      expect(results.filter((result) => result.errors).map(errorCode)).toEqual(['CONFLICT']);
      expect(await market.status(demand.id)).toBe('EVALUATING');
      const batchId = await market.batchOf(demand.id);
      const after = await market.footprint();
      expect(after.batches - before.batches).toBe(1);
      expect(after.outbox - before.outbox).toBe(1);
      const jobs = await market.sql<{ job_name: string; job_id: string }>(
        `select job_name, job_id from outbox_message where payload->>'batchId' = $1`,
        [batchId],
      );
      expect(jobs).toEqual([{ job_name: 'evaluate-market', job_id: `evaluate-market.${batchId}` }]);
    });

    it('three close jobs of one market moment running at once close all three into one batch, without deadlock', async () => {
      // Five market moments (one delivery date each), three kitchens' demand in each.
      const closesAt = secondsFromNow(8); // fifteen posts must fit before it, on a loaded machine too
      const kitchens = [t.kitchen, t.otherKitchen, t.thirdKitchen];
      const rounds: PostedDemand[][] = [];
      for (let round = 0; round < 5; round++) {
        const deliveryDate = daysFromNow(50 + round);
        rounds.push(
          await Promise.all(
            kitchens.map((token) =>
              market.postDemand(token, deliveryDate, [{ commodityCode: 'POTATO', quantity: 10 }], closesAt),
            ),
          ),
        );
      }
      await eventually(async () => Date.now() > Date.parse(closesAt) + 50, 15_000);
      const service = system.api.get(DemandService);
      for (const demands of rounds) {
        const before = await market.footprint();
        // Three workers pick up the three close jobs of one moment at the same time.
        const closed = await Promise.all(demands.map((demand) => service.closeDueDemand(demand.id)));
        const batchId = await market.batchOf(demands[0]!.id);
        expect(closed).toEqual([{ batchId }, { batchId }, { batchId }]);
        for (const demand of demands) {
          expect(await market.batchOf(demand.id)).toBe(batchId);
          expect(await market.status(demand.id)).toBe('EVALUATING');
        }
        const after = await market.footprint();
        expect(after.batches - before.batches).toBe(1);
        const jobs = await market.sql<{ job_id: string }>(
          `select job_id from outbox_message where job_name = 'evaluate-market' and payload->>'batchId' = $1`,
          [batchId],
        );
        expect(jobs).toEqual([{ job_id: `evaluate-market.${batchId}` }]);
      }
    });

    it('a close job for a demand already evaluated or cancelled is a no-op', async () => {
      const service = system.api.get(DemandService);
      const { demand, riceLot, eggLot, batchId } = await closedTwoSupplierDemand(daysFromNow(43));
      await evaluation.evaluateBatch(batchId);
      expect(await market.status(demand.id)).toBe('AWARDED');

      const cancelled = await market.postDemand(t.otherKitchen, daysFromNow(43), [
        { commodityCode: 'SUGAR', quantity: 10 },
      ]);
      const sugarLot = await market.addLot(t.turi, 'SUGAR', 20);
      await market.offer(t.turi, cancelled.lines[0]!.id, sugarLot, 10, 17000);
      const cancel = await system.ok<{ cancelDemand: { status: string } }>(
        CANCEL,
        { id: cancelled.id },
        { token: t.otherKitchen },
      );
      expect(cancel.cancelDemand.status).toBe('CANCELLED');
      // The job fires on time: bidding has closed by then, only the status stops it.
      await market.sql(
        `update demand_request set bidding_closes_at = now() - interval '1 second' where id = $1`,
        [cancelled.id],
      );

      const before = await market.footprint();
      const orders = await market.ordersOf(demand.id);
      await expect(service.closeDueDemand(demand.id)).resolves.toEqual({ batchId });
      await expect(service.closeDueDemand(cancelled.id)).resolves.toEqual({ batchId: null });
      expect(await market.footprint()).toEqual(before);
      expect(await market.status(demand.id)).toBe('AWARDED');
      expect(await market.status(cancelled.id)).toBe('CANCELLED');
      expect(await market.ordersOf(demand.id)).toEqual(orders);
      expect(await market.reserved(riceLot, eggLot, sugarLot)).toEqual(['200.000', '50.500', '0.000']);
    });
  });

  describe(`jobs and races (${label}), with the worker running`, () => {
    let system: TestSystem;
    let market: Market;
    let t: Tokens;
    /** The market queue (of its group) a job was published to, as the outbox row says. */
    async function queueOf(jobId: string): Promise<Queue> {
      const [row] = await market.sql<{ queue: string }>(
        'select queue from outbox_message where job_id = $1 order by id limit 1',
        [jobId],
      );
      return system.worker!.get(ProducerQueues).get(row!.queue);
    }
    /** Every job a worker finished (its id and what it returned) and every attempt that failed. */
    const completed: { id: string; name: string; result: unknown; worker: string }[] = [];
    const failures: { id: string; error: string; worker: string }[] = [];

    function watch(app: INestApplicationContext, worker: string): void {
      // Every market queue group this worker consumes.
      for (const groupWorker of app.get(MarketProcessor).workers) {
        groupWorker.on('completed', (job: Job, result: unknown) => {
          completed.push({ id: job.id!, name: job.name, result, worker });
        });
        groupWorker.on('failed', (job: Job | undefined, error: Error) => {
          failures.push({ id: job?.id ?? '?', error: error.message, worker });
        });
      }
    }

    beforeAll(async () => {
      system = await TestSystem.start({ env: env() });
      market = new Market(system);
      t = await loginAll(system);
      watch(system.worker!, 'first');
    });
    afterEach(async () => expectQuantityInvariants(market.db));
    afterAll(async () => system?.stop());

    const runsOf = (jobId: string) => completed.filter((job) => job.id === jobId);

    it('offers racing the close of their demand are either evaluated or refused, never left standing', async () => {
      const demand = await market.postDemand(t.kitchen, daysFromNow(21), [
        { commodityCode: 'SHALLOT', quantity: 500 },
      ]);
      const lots = await Promise.all(Array.from({ length: 12 }, () => market.addLot(t.turi, 'SHALLOT', 50)));
      const offers = lots.map((lot) =>
        system.request(
          SUBMIT,
          { input: { demandLineId: demand.lines[0]!.id, stockLotId: lot, quantity: 40, unitPrice: 30000 } },
          { token: t.turi },
        ),
      );
      const close = system.request(CLOSE, { id: demand.id }, { token: t.kitchen });
      const results = await Promise.all([...offers, close]);
      expect(results.at(-1)!.errors).toBeUndefined();
      await eventually(async () => (await market.status(demand.id)) !== 'EVALUATING');
      const accepted = results.slice(0, -1).filter((r) => !r.errors).length;
      const refused = results
        .slice(0, -1)
        .filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT').length;
      expect(accepted + refused).toBe(lots.length);
      const standing = await market.sql<{ status: string; n: string }>(
        `SELECT status, count(*) AS n FROM offer WHERE demand_id = $1 GROUP BY status`,
        [demand.id],
      );
      expect(standing.find((row) => row.status === 'SUBMITTED')).toBeUndefined();
      const total = standing.reduce((sum, row) => sum + Number(row.n), 0);
      expect(total).toBe(accepted);
      const evaluated = await market.sql<{ n: string }>(
        `SELECT count(*) AS n FROM offer_evaluation e JOIN offer o ON o.id = e.offer_id WHERE o.demand_id = $1`,
        [demand.id],
      );
      expect(Number(evaluated[0]!.n)).toBe(accepted);
    });

    it('re-running the evaluate job after the demand is AWARDED changes nothing', async () => {
      const demand = await market.postDemand(t.kitchen, daysFromNow(5), [
        { commodityCode: 'RICE_MEDIUM', quantity: 120 },
        { commodityCode: 'EGG', quantity: 30 },
      ]);
      const riceLot = await market.addLot(t.sentul, 'RICE_MEDIUM', 150);
      const turiRice = await market.addLot(t.turi, 'RICE_MEDIUM', 150);
      const eggLot = await market.addLot(t.gedog, 'EGG', 40);
      await market.offer(t.sentul, demand.lines[0]!.id, riceLot, 120, 13000);
      await market.offer(t.turi, demand.lines[0]!.id, turiRice, 120, 13500);
      await market.offer(t.gedog, demand.lines[1]!.id, eggLot, 30, 29000);
      await market.close(t.kitchen, demand.id);
      await eventually(async () => (await market.status(demand.id)) === 'AWARDED');
      const batchId = await market.batchOf(demand.id);
      const before = await market.footprint();
      expect(before.evaluations).toBeGreaterThanOrEqual(3);
      expect(before.orders).toBeGreaterThanOrEqual(2);
      const reserved = await market.reserved(riceLot, turiRice, eggLot);
      expect(reserved).toEqual(['120.000', '0.000', '30.000']);
      const orders = await market.ordersOf(demand.id);
      expect(orders).toHaveLength(2);

      const again = await system.worker!.get(MarketEvaluationService).evaluateBatch(batchId);
      expect(again).toMatchObject({ batchId, evaluated: false, demands: 0, orders: 0 });
      expect(await market.footprint()).toEqual(before);
      expect(await market.reserved(riceLot, turiRice, eggLot)).toEqual(reserved);
      expect(await market.ordersOf(demand.id)).toEqual(orders);
      expect(await market.status(demand.id)).toBe('AWARDED');
    });

    it('an evaluate job that fails half-way is retried by BullMQ and makes the orders once', async () => {
      const service = system.worker!.get(MarketEvaluationService);
      const demand = await market.postDemand(t.kitchen, daysFromNow(6), [
        { commodityCode: 'CHICKEN', quantity: 40 },
      ]);
      const lot = await market.addLot(t.turi, 'CHICKEN', 50);
      await market.offer(t.turi, demand.lines[0]!.id, lot, 40, 38000);
      const before = await market.footprint();
      service.failPoint = 'after-orders';
      try {
        await market.close(t.kitchen, demand.id);
        const batchId = await market.batchOf(demand.id);
        const jobId = `evaluate-market.${batchId}`;
        // The first attempt dies after writing its orders; the transaction takes them back.
        await eventually(async () => ((await (await queueOf(jobId)).getJob(jobId))?.attemptsMade ?? 0) >= 1);
        expect(await market.status(demand.id)).toBe('EVALUATING');
        expect(await market.reserved(lot)).toEqual(['0.000']);
        expect(await market.ordersOf(demand.id)).toEqual([]);
        service.failPoint = null;
        await eventually(async () => (await market.status(demand.id)) === 'AWARDED');
        await eventually(async () => runsOf(jobId).length === 1);
        expect(runsOf(jobId)[0]!.result).toMatchObject({ evaluated: true, orders: 1 });
        const failed = failures.filter((failure) => failure.id === jobId).map((failure) => failure.error);
        expect(failed.length).toBeGreaterThanOrEqual(1);
        expect(new Set(failed)).toEqual(new Set(['fail point: after-orders']));
        const after = await market.footprint();
        expect(after.orders - before.orders).toBe(1);
        expect(after.orderLines - before.orderLines).toBe(1);
        expect(after.evaluations - before.evaluations).toBe(1);
        expect(await market.reserved(lot)).toEqual(['40.000']);
      } finally {
        service.failPoint = null;
      }
    });

    it('two evaluate jobs racing for one lot on two workers never promise more than it holds', async () => {
      // A second worker process on the same queue: the two batches' jobs can run at the same time.
      const secondWorker: INestApplicationContext = await createWorkerApp(system.config, {
        logger: Boolean(process.env.E2E_LOG),
      });
      watch(secondWorker, 'second');
      try {
        const first = await market.postDemand(t.kitchen, daysFromNow(7), [
          { commodityCode: 'TEMPEH', quantity: 80 },
        ]);
        const second = await market.postDemand(t.otherKitchen, daysFromNow(8), [
          { commodityCode: 'TEMPEH', quantity: 80 },
        ]);
        const lot = await market.addLot(t.gedog, 'TEMPEH', 100);
        await market.offer(t.gedog, first.lines[0]!.id, lot, 80, 15000);
        await market.offer(t.gedog, second.lines[0]!.id, lot, 80, 15000);
        await Promise.all([market.close(t.kitchen, first.id), market.close(t.otherKitchen, second.id)]);
        const done = ['AWARDED', 'PARTIALLY_AWARDED', 'UNFILLED'];
        await eventually(
          async () =>
            done.includes(await market.status(first.id)) && done.includes(await market.status(second.id)),
        );
        expect(await market.reserved(lot)).toEqual(['100.000']);
        const [awarded] = await market.sql<{ total: string }>(
          'select sum(quantity)::text as total from order_line where stock_lot_id = $1',
          [lot],
        );
        expect(awarded!.total).toBe('100.000');
        expect([await market.status(first.id), await market.status(second.id)].sort()).toEqual([
          'AWARDED',
          'PARTIALLY_AWARDED',
        ]);
        // Each job ran once and no attempt failed on the way (no CHECK violation, no deadlock,
        // no "cannot cover" retry).
        const jobIds = [
          `evaluate-market.${await market.batchOf(first.id)}`,
          `evaluate-market.${await market.batchOf(second.id)}`,
        ];
        await eventually(async () => jobIds.every((jobId) => runsOf(jobId).length === 1));
        for (const jobId of jobIds)
          expect(runsOf(jobId)[0]!.result).toMatchObject({ evaluated: true, orders: 1 });
        expect(failures.filter((failure) => jobIds.includes(failure.id))).toEqual([]);
        for (const jobId of jobIds)
          expect(
            (await (await queueOf(jobId)).getFailed()).map((job) => `${job.id}: ${job.failedReason}`),
          ).toEqual([]);
      } finally {
        await secondWorker.close();
      }
    });

    it('the outbox publishes close-bidding with a deterministic id at biddingClosesAt, and republishing runs nothing twice', async () => {
      const closesAt = secondsFromNow(4);
      const demand = await market.postDemand(
        t.kitchen,
        daysFromNow(9),
        [{ commodityCode: 'SPINACH', quantity: 25 }],
        closesAt,
      );
      const closeJobId = `close-bidding.${demand.id}.${Date.parse(closesAt)}`;
      const rows = await market.sql<{
        id: string;
        job_id: string;
        run_at: Date;
        queue: string;
        payload: unknown;
      }>(
        `select id, job_id, run_at, queue, payload from outbox_message where job_name = 'close-bidding' and payload->>'demandId' = $1`,
        [demand.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        job_id: closeJobId,
        // The market's group (Kota Blitar's): `market` with one group.
        queue: marketQueueFor(
          (
            await market.sql<{ market_code: string }>(
              'select market_code from demand_request where id = $1',
              [demand.id],
            )
          )[0]!.market_code,
          system.config.marketQueueGroups,
        ),
        payload: { v: 1, demandId: demand.id },
      });
      expect(rows[0]!.run_at.getTime()).toBe(Date.parse(closesAt));
      expect(new Date(demand.biddingClosesAt).getTime()).toBe(Date.parse(closesAt));
      const outboxId = rows[0]!.id;
      const publishedAt = async () =>
        (
          await market.sql<{ published_at: Date | null }>(
            'select published_at from outbox_message where id = $1',
            [outboxId],
          )
        )[0]!.published_at;

      // Published at once as a delayed job; published again, BullMQ keeps the one job it has.
      await eventually(async () => (await publishedAt()) !== null);
      const queue = await queueOf(closeJobId);
      const delayed = await queue.getJob(closeJobId);
      expect(await delayed!.getState()).toBe('delayed');
      await market.sql('update outbox_message set published_at = null where id = $1', [outboxId]);
      await eventually(async () => (await publishedAt()) !== null);
      expect((await queue.getDelayed()).filter((job) => job.id === closeJobId)).toHaveLength(1);

      const lot = await market.addLot(t.sentul, 'SPINACH', 30);
      await market.offer(t.sentul, demand.lines[0]!.id, lot, 25, 9000);
      await eventually(async () => (await market.status(demand.id)) === 'AWARDED');
      const batchId = await market.batchOf(demand.id);
      const evaluateJobId = `evaluate-market.${batchId}`;
      await eventually(async () => runsOf(evaluateJobId).length === 1);
      expect(runsOf(closeJobId)).toHaveLength(1);
      const before = await market.footprint();
      const orders = await market.ordersOf(demand.id);
      expect(orders).toHaveLength(1);

      // Both finished jobs are gone from Redis (removeOnComplete); republishing them runs them
      // again, and each run is a no-op.
      await market.sql(`update outbox_message set published_at = null where job_id = any($1::varchar[])`, [
        [closeJobId, evaluateJobId],
      ]);
      await eventually(async () => runsOf(closeJobId).length === 2 && runsOf(evaluateJobId).length === 2);
      expect(runsOf(closeJobId)[1]!.result).toEqual({ batchId });
      expect(runsOf(evaluateJobId)[1]!.result).toMatchObject({ evaluated: false, orders: 0 });
      const after = await market.footprint();
      expect(after).toEqual(before);
      expect(await market.ordersOf(demand.id)).toEqual(orders);
      expect(await market.reserved(lot)).toEqual(['25.000']);
      const batches = await market.sql<{ id: string }>(
        `select b.id from market_batch b join demand_request d on d.batch_id = b.id where d.id = $1`,
        [demand.id],
      );
      expect(batches).toEqual([{ id: batchId }]);
    });
  });
}

/**
 * Chaos: a real worker process is SIGKILLed inside the evaluate transaction (it pauses there,
 * EVALUATION_PAUSE_MS, and the test kills it as soon as it says so). The transaction dies with
 * it; a new worker process picks the job up once BullMQ sees it stalled (its lock lapses, up to
 * about 30 s) and finishes it: every demand awarded once, no duplicate order, nothing lost, and
 * the quantity invariants hold.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { expectQuantityInvariants } from '../support/invariants.js';
import { daysFromNow, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The worker as `npm run start:worker` runs it, from the TypeScript sources, in its own process. */
function startWorker(
  system: TestSystem,
  extraEnv: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(ROOT, 'test', 'support', 'ts-register.mjs')).href,
      join(ROOT, 'apps', 'worker', 'src', 'main.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: system.config.databaseUrl,
        REDIS_URL: system.config.redisUrl,
        QUEUE_PREFIX: system.config.queuePrefix,
        OUTBOX_POLL_MS: '25',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

describe('chaos: the worker killed mid-award', () => {
  let system: TestSystem;
  let db: DataSource;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    db = system.api.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    for (const child of children) await stop(child, 'SIGKILL');
    await system?.stop();
  });

  it('SIGKILL inside the evaluate transaction: a new worker finishes it, no duplicate, nothing lost', async () => {
    const [kitchen, otherKitchen, sentul, turi] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('sppg.gedog@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('kkmp.turi@pasargizi.test'),
    ]);
    const closesAt = secondsFromNow(3600);
    const deliveryDate = daysFromNow(25);
    const demandIds: string[] = [];
    for (const token of [kitchen, otherKitchen]) {
      const posted = await system.ok<{ postDemand: { id: string; lines: { id: string }[] } }>(
        `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`,
        {
          input: {
            deliveryDate,
            biddingClosesAt: closesAt,
            lines: [
              { commodityCode: 'RICE_MEDIUM', quantity: 80 },
              { commodityCode: 'EGG', quantity: 20 },
            ],
          },
        },
        { token },
      );
      demandIds.push(posted.postDemand.id);
      for (const [coop, price] of [
        [sentul, 12_800],
        [turi, 13_100],
      ] as const) {
        for (const [index, commodityCode] of ['RICE_MEDIUM', 'EGG'].entries()) {
          const lot = await system.ok<{ addStockLot: { id: string } }>(
            `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`,
            { input: { commodityCode, quantity: 60, grade: 'A', source: 'OWN' } },
            { token: coop },
          );
          await system.ok(
            `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`,
            {
              input: {
                demandLineId: posted.postDemand.lines[index]!.id,
                stockLotId: lot.addStockLot.id,
                quantity: 60,
                unitPrice: commodityCode === 'EGG' ? price * 2 : price,
              },
            },
            { token: coop },
          );
        }
      }
    }

    // Each kitchen closes now (two batches); the first worker relays their evaluations and
    // pauses inside the evaluate transaction.
    for (const [index, id] of demandIds.entries()) {
      await system.ok(
        `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`,
        { id },
        {
          token: [kitchen, otherKitchen][index]!,
        },
      );
    }
    const first = startWorker(system, { EVALUATION_PAUSE_MS: '120000' });
    children.push(first.child);
    // Generous: the child transpiles the whole app at boot, slow on a loaded 2-core machine.
    await eventually(
      async () => first.output().includes('evaluation paused at engine-ran'),
      200_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; worker output:\n${first.output().slice(-3000)}`);
    });
    const locked = await db.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction'`,
    );
    expect(locked[0].n).toBeGreaterThan(0); // it really is inside the transaction
    await stop(first.child, 'SIGKILL');

    // Nothing of the killed evaluation is left.
    const statuses = async () =>
      (
        await db.query(`select status from demand_request where id = any($1::uuid[]) order by id`, [
          demandIds,
        ])
      ).map((row: { status: string }) => row.status);
    expect(await statuses()).toEqual(['EVALUATING', 'EVALUATING']);
    const [{ n: ordersAfterKill }] = await db.query(
      `select count(*)::int as n from purchase_order where demand_id = any($1::uuid[])`,
      [demandIds],
    );
    expect(ordersAfterKill).toBe(0);
    await expectQuantityInvariants(db);

    // A new worker finds the stalled job and finishes it.
    const second = startWorker(system, {});
    children.push(second.child);
    await eventually(
      async () => (await statuses()).every((status: string) => status === 'AWARDED'),
      200_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; worker output:\n${second.output().slice(-3000)}`);
    });
    const orders: { demand_id: string; cooperative_id: string; lines: number }[] = await db.query(
      `select o.demand_id, o.cooperative_id, count(l.id)::int as lines
         from purchase_order o join order_line l on l.order_id = o.id
        where o.demand_id = any($1::uuid[]) group by o.id`,
      [demandIds],
    );
    const keys = orders.map((o) => `${o.demand_id}/${o.cooperative_id}`);
    expect(new Set(keys).size).toBe(keys.length); // one order per demand and cooperative
    const [{ awarded, demanded }] = await db.query(
      `select sum(awarded_quantity)::text as awarded, sum(quantity)::text as demanded from demand_line where demand_id = any($1::uuid[])`,
      [demandIds],
    );
    expect(awarded).toBe(demanded); // nothing lost
    const [{ evaluations, offers }] = await db.query(
      `select (select count(*)::int from offer_evaluation e join offer o on o.id = e.offer_id where o.demand_id = any($1::uuid[])) as evaluations,
              (select count(*)::int from offer where demand_id = any($1::uuid[])) as offers`,
      [demandIds],
    );
    expect(evaluations).toBe(offers); // evaluated exactly once
    await expectQuantityInvariants(db);
    await stop(second.child, 'SIGTERM');
  }, 480_000);
});

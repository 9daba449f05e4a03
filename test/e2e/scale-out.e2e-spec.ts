/**
 * Scale-out: two API instances behind one address (a round-robin TCP proxy on loopback) and two
 * workers, each with its own database pool, outbox relay and BullMQ workers, run Kota Blitar's
 * day (bench/scale-day.ts) on one database; one API and one worker run the same day on
 * another. Nothing is duplicated (the SQL invariants and uniqueness counts) and the results
 * (every award, the totals) are the same. The bench's `scale` part runs the same day with
 * separate processes and prints the throughput.
 */
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/api.app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { startRoundRobinProxy } from '../../bench/round-robin-proxy.js';
import { runScaleDay, type ScaleDayOutcome } from '../../bench/scale-day.js';
import { loadConfig } from '../../libs/core/src/app-config.js';
import { quantityInvariantViolations } from '../support/invariants.js';
import { createDatabaseFromTemplate, TEST_DEMO_PASSWORD } from '../support/test-database.js';

/** A smaller day than the bench's (3 kitchens x 6 lines, 21 cooperatives): the machine is shared. */
const SMALL_DAY = { kitchens: 3, commodities: 6, concurrency: 10 };

interface Deployment {
  url: string;
  databaseUrl: string;
  db: DataSource;
  connections: number[];
  stop(): Promise<void>;
}

/** `apis` API instances (behind a proxy when more than one) and `workers` workers on a fresh database. */
async function deploy(apis: number, workers: number): Promise<Deployment> {
  const database = await createDatabaseFromTemplate();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    QUEUE_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
    OUTBOX_POLL_MS: '25',
    // Each instance its own pool, as separate processes would have; the four stay well under
    // Postgres' connection limit.
    DATABASE_POOL_SIZE: '10',
  });
  const logger = Boolean(process.env.E2E_LOG);
  const apiApps: INestApplication[] = [];
  const workerApps: INestApplicationContext[] = [];
  for (let i = 0; i < apis; i++) {
    const api = await createApiApp(config, { logger });
    await api.listen(0, '127.0.0.1');
    apiApps.push(api);
  }
  for (let i = 0; i < workers; i++) workerApps.push(await createWorkerApp(config, { logger }));
  const ports = apiApps.map((api) => (api.getHttpServer().address() as { port: number }).port);
  const proxy = apis > 1 ? await startRoundRobinProxy(ports) : null;
  return {
    url: `http://127.0.0.1:${proxy?.port ?? ports[0]}/graphql`,
    databaseUrl: database.url,
    db: apiApps[0]!.get<DataSource>(getDataSourceToken()),
    connections: proxy?.connections ?? [1],
    stop: async () => {
      await proxy?.close();
      for (const worker of workerApps) await worker.close();
      for (const api of apiApps) await api.close();
      await database.drop();
    },
  };
}

describe('two APIs behind one address and two workers, under a Kota Blitar day', () => {
  let single: ScaleDayOutcome;
  let singleViolations: string[];
  let replicated: ScaleDayOutcome;
  let replicatedDeployment: Deployment;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const one = await deploy(1, 1);
    try {
      single = await runScaleDay({
        url: one.url,
        databaseUrl: one.databaseUrl,
        password: TEST_DEMO_PASSWORD,
        ...SMALL_DAY,
      });
      singleViolations = await quantityInvariantViolations(one.db);
    } finally {
      await one.stop();
    }
    replicatedDeployment = await deploy(2, 2);
    stops.push(replicatedDeployment.stop);
    replicated = await runScaleDay({
      url: replicatedDeployment.url,
      databaseUrl: replicatedDeployment.databaseUrl,
      password: TEST_DEMO_PASSWORD,
      ...SMALL_DAY,
    });
  }, 900_000);
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('spreads the clients over both APIs', () => {
    expect(replicatedDeployment.connections).toHaveLength(2);
    for (const count of replicatedDeployment.connections) expect(count).toBeGreaterThan(2);
  });

  it('accepts every offer and decides every demand, in both deployments', () => {
    for (const outcome of [single, replicated]) {
      expect([outcome.offerErrors, outcome.firstOfferError]).toEqual([0, null]);
      expect(outcome.demands).toBe(SMALL_DAY.kitchens);
      expect(outcome.orders).toBeGreaterThan(0);
    }
  });

  it('duplicates no evaluation, order, order line, invoice, alert or job, and keeps the invariants', async () => {
    for (const outcome of [single, replicated])
      for (const [what, copies] of Object.entries(outcome.duplicates))
        expect(`${what}: ${copies}`).toBe(`${what}: 0`);
    expect(singleViolations).toEqual([]);
    expect(await quantityInvariantViolations(replicatedDeployment.db)).toEqual([]);
  });

  it('awards exactly what one API and one worker award on the same input', () => {
    expect(replicated.orders).toBe(single.orders);
    expect(replicated.orderLines).toBe(single.orderLines);
    expect(replicated.awardedQuantity).toBe(single.awardedQuantity);
    expect(replicated.ordersTotal).toBe(single.ordersTotal);
    expect(replicated.awards).toEqual(single.awards);
  });
});

/**
 * Live updates, end to end: an order's status change sent through the API (dispatchOrder)
 * until a coordinator's marketActivity subscriber (graphql-ws) hears it, through the API
 * process, Redis pub/sub and back. Built API and worker as child processes, Kota Blitar seeded
 * into a database of its own; `subscribers` coordinators listen at once (one of them is timed).
 */
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { createDataSource } from '../libs/database/src/data-source.js';
import { findProjectRoot, seedKotaBlitar } from '../libs/database/src/seed/seed-kota-blitar.js';
import {
  Client,
  COOPERATIVE_WARDS,
  PASSWORD,
  percentile,
  startProcess,
  waitFor,
  WARDS_WITH_KITCHENS,
} from './api-bench.js';

export interface LiveBenchResult {
  changes: number;
  subscribers: number;
  /** From sending dispatchOrder to the timed subscriber receiving its ORDER_STATUS event. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The dispatchOrder request alone (sent to answered): the part of the above that is not live delivery. */
  mutationP50Ms: number;
  mutationP99Ms: number;
  /** Events every subscriber received (should be changes × subscribers). */
  delivered: number;
  goalP99Ms: number;
}

const MARKET_ACTIVITY = `subscription { marketActivity(regionCode: "35.72") { kind entityId } }`;

export async function runLiveBench(options: {
  databaseUrl: string;
  redisUrl: string;
  changes?: number;
  subscribers?: number;
  log?: (line: string) => void;
}): Promise<LiveBenchResult> {
  const log = options.log ?? (() => undefined);
  const changes = options.changes ?? 300;
  const subscriberCount = options.subscribers ?? 20;
  const root = findProjectRoot();
  const benchDbName = 'pasar_gizi_bench_live';
  const adminUrl = new URL(options.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${benchDbName}`);
  await admin.end();
  const dbUrl = new URL(options.databaseUrl);
  dbUrl.pathname = `/${benchDbName}`;
  const dataSource = createDataSource(dbUrl.toString());
  await dataSource.initialize();
  await dataSource.runMigrations();
  await seedKotaBlitar(dataSource, { demoPassword: PASSWORD });
  await dataSource.destroy();

  const port = 3900 + Math.floor(Math.random() * 90);
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: options.redisUrl,
    PORT: String(port),
    QUEUE_PREFIX: `bench-live-${Date.now()}`,
    OUTBOX_POLL_MS: '20',
  };
  log('live: starting API and worker');
  const api = await startProcess(root, 'dist/apps/api/src/main.js', env, /API ready/);
  const worker = await startProcess(root, 'dist/apps/worker/src/main.js', env, /worker ready/);
  const http = new Client(`http://127.0.0.1:${port}/graphql`);
  const sockets: { dispose(): void | Promise<void> }[] = [];
  try {
    const kitchens = await Promise.all(
      WARDS_WITH_KITCHENS.map((ward) => http.login(`sppg.${ward}@pasargizi.test`)),
    );
    const cooperatives = await Promise.all(
      COOPERATIVE_WARDS.map((ward) => http.login(`kkmp.${ward}@pasargizi.test`)),
    );
    const coordinator = await http.login('koordinator@pasargizi.test');

    // `changes` one-line demands, each offered by one cooperative from its lot: one order each.
    log(`live: posting ${changes} demands and offers`);
    const closesAt = new Date(Date.now() + 90_000);
    const deliveryDate = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const lots = await Promise.all(
      cooperatives.map(
        async (token) =>
          (
            await http.ok(
              `mutation($i: StockLotInput!) { addStockLot(input: $i) { id } }`,
              { i: { commodityCode: 'POTATO', quantity: 10 * changes, grade: 'A', source: 'OWN' } },
              token,
            )
          ).addStockLot.id as string,
      ),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < changes) {
          const index = next++;
          const demand = await http.ok(
            `mutation($i: PostDemandInput!) { postDemand(input: $i) { lines { id } } }`,
            {
              i: {
                deliveryDate,
                biddingClosesAt: closesAt.toISOString(),
                lines: [{ commodityCode: 'POTATO', quantity: 5 }],
              },
            },
            kitchens[index % kitchens.length],
          );
          const cooperative = index % cooperatives.length;
          await http.ok(
            `mutation($i: OfferInput!) { submitOffer(input: $i) { id } }`,
            {
              i: {
                demandLineId: demand.postDemand.lines[0].id,
                stockLotId: lots[cooperative],
                quantity: 5,
                unitPrice: 9000,
              },
            },
            cooperatives[cooperative],
          );
        }
      }),
    );
    log('live: waiting for the close and the award');
    const confirmedOf = async (token: string) =>
      (
        await http.ok<{ purchaseOrders: { edges: { node: { id: string } }[] } }>(
          `{ purchaseOrders(status: CONFIRMED, first: 200) { edges { node { id } } } }`,
          {},
          token,
        )
      ).purchaseOrders.edges.map((edge) => edge.node.id);
    let orders: { id: string; token: string }[] = [];
    await waitFor(
      async () => {
        const lists = await Promise.all(cooperatives.map(confirmedOf));
        orders = lists.flatMap((ids, index) => ids.map((id) => ({ id, token: cooperatives[index]! })));
        return orders.length >= changes;
      },
      240_000,
      500,
    );

    // Subscribers: the timed one and the rest listening to the same market.
    const arrivals = new Map<string, (at: number) => void>();
    let delivered = 0;
    const ready: Promise<void>[] = [];
    for (let index = 0; index < subscriberCount; index++) {
      const timed = index === 0;
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${coordinator}` },
        lazy: false,
      });
      sockets.push(client);
      ready.push(new Promise((resolve) => client.on('connected', () => resolve())));
      client.subscribe<{ marketActivity: { kind: string; entityId: string } }>(
        { query: MARKET_ACTIVITY },
        {
          next: ({ data }) => {
            if (data?.marketActivity.kind !== 'ORDER_STATUS') return;
            delivered++;
            if (timed) arrivals.get(data.marketActivity.entityId)?.(performance.now());
          },
          error: (error) => log(`live: subscriber error ${JSON.stringify(error)}`),
          complete: () => undefined,
        },
      );
    }
    await Promise.all(ready);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the subscriptions reach Redis
    delivered = 0;

    log(`live: ${changes} status changes, ${subscriberCount} subscribers`);
    const latencies: number[] = [];
    const mutations: number[] = [];
    for (const order of orders.slice(0, changes)) {
      const heard = new Promise<number>((resolve) => arrivals.set(order.id, resolve));
      const sent = performance.now();
      await http.ok(`mutation($id: ID!) { dispatchOrder(id: $id) { id } }`, { id: order.id }, order.token);
      mutations.push(performance.now() - sent);
      const at = await Promise.race([
        heard,
        new Promise<number>((resolve) => setTimeout(() => resolve(NaN), 10_000)),
      ]);
      arrivals.delete(order.id);
      latencies.push(Number.isNaN(at) ? 10_000 : at - sent);
    }
    await waitFor(async () => delivered >= changes * subscriberCount, 5_000, 20).catch(() => undefined);
    latencies.sort((a, b) => a - b);
    mutations.sort((a, b) => a - b);
    return {
      changes,
      subscribers: subscriberCount,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? 0,
      mutationP50Ms: percentile(mutations, 50),
      mutationP99Ms: percentile(mutations, 99),
      delivered,
      goalP99Ms: 250,
    };
  } finally {
    for (const socket of sockets) await socket.dispose();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
  }
}

export function formatLiveBench(result: LiveBenchResult): string {
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return [
    `order status change -> marketActivity subscriber (${result.changes} changes, ${result.subscribers} subscribers)`,
    `  p50 ${f(result.p50Ms)}   p95 ${f(result.p95Ms)}   p99 ${f(result.p99Ms)}   max ${f(result.maxMs)}   (goal p99 <= ${result.goalP99Ms} ms: ${result.p99Ms <= result.goalP99Ms ? 'met' : 'NOT met'})`,
    `  of which the dispatchOrder request itself: p50 ${f(result.mutationP50Ms)}   p99 ${f(result.mutationP99Ms)}`,
    `  events delivered: ${result.delivered} of ${result.changes * result.subscribers}`,
  ].join('\n');
}

/**
 * BullMQ and every other Redis use on a Redis Cluster: three local masters started here (and
 * torn down at the end), the jobs-and-races scenarios re-run on it with five market queue
 * groups (Kota Blitar's jobs land in `market-3`, under a hash-tagged prefix), plus the login
 * throttle's pipelines, live pub/sub across nodes, and a worker that consumes only some groups.
 * Skipped, saying why, only when redis-server is not installed.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import type { Cluster, Redis } from 'ioredis';
import { loadConfig } from '../../libs/core/src/app-config.js';
import { LoginThrottle } from '../../libs/identity/src/login-throttle.js';
import { marketQueueName, queuePrefix } from '../../libs/jobs/src/queues.js';
import { createRedisClient, type RedisTarget } from '../../libs/jobs/src/redis-connection.js';
import { liveChannels, type MarketEventMessage } from '../../libs/live/src/live-channels.js';
import { LivePublisher } from '../../libs/live/src/live-publisher.js';
import { describeJobsAndRaces } from '../support/jobs-and-races.scenarios.js';
import {
  redisClusterUnavailable,
  startRedisCluster,
  type LocalRedisCluster,
} from '../support/redis-cluster.js';
import { eventually, TestSystem } from '../support/test-app.js';

const unavailable = redisClusterUnavailable();

if (unavailable) {
  console.log(`Redis Cluster tests skipped: ${unavailable}`);
  describe('on a Redis Cluster', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
} else {
  let cluster: LocalRedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(async () => cluster?.stop());

  describeJobsAndRaces('a Redis Cluster of 3 masters, 5 market queue groups', () => ({
    REDIS_CLUSTER_NODES: cluster.nodes,
    MARKET_QUEUE_GROUPS: '5',
  }));

  describe('other Redis uses on the cluster', () => {
    const clients: (Redis | Cluster)[] = [];
    let target: RedisTarget;
    beforeAll(() => {
      target = {
        redisUrl: 'redis://127.0.0.1:6379',
        redisClusterNodes: loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes }).redisClusterNodes,
      };
    });
    afterAll(() => clients.forEach((client) => client.disconnect()));
    const client = () => {
      const made = createRedisClient(target);
      clients.push(made);
      return made;
    };

    it('the market queue groups sit in slots of more than one master; each queue in one slot', () => {
      const config = { queuePrefix: 'pasar-gizi', redisClusterNodes: target.redisClusterNodes };
      const slotOf = (key: string) =>
        Number(
          spawnSync('redis-cli', ['-p', String(cluster.ports[0]), 'cluster', 'keyslot', key], {
            encoding: 'utf8',
          }).stdout,
        );
      const queueSlots = Array.from({ length: 5 }, (_, group) => {
        const name = marketQueueName(group);
        const prefix = queuePrefix(config, name);
        // BullMQ's keys of one queue: all in the slot of its hash tag.
        const slots = new Set(
          ['wait', 'active', 'delayed', 'meta', 'id', 'events'].map((key) =>
            slotOf(`${prefix}:${name}:${key}`),
          ),
        );
        expect(slots.size).toBe(1);
        return [...slots][0]!;
      });
      // redis-cli --cluster create splits 16384 slots evenly over the three masters.
      const masters = new Set(queueSlots.map((slot) => Math.floor(slot / (16384 / 3))));
      expect(masters.size).toBeGreaterThan(1);
    });

    it('the API is ready on the cluster, and /metrics counts every market queue group', async () => {
      const system = await TestSystem.start({
        worker: false,
        env: { REDIS_CLUSTER_NODES: cluster.nodes, MARKET_QUEUE_GROUPS: '5' },
      });
      try {
        const base = system.url.replace(/\/graphql$/, '');
        const ready = await fetch(`${base}/health/ready`);
        expect(ready.status).toBe(200);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        for (const name of ['market', 'market-1', 'market-4'])
          expect(metrics).toContain(`pasar_gizi_queue_jobs{queue="${name}",state="waiting"}`);
      } finally {
        await system.stop();
      }
    });

    it('the login throttle counts and blocks on the cluster (its pipelines share one slot)', async () => {
      const throttle = new LoginThrottle(target, `e2e-${randomBytes(4).toString('hex')}`, {
        maxFailuresPerAccount: 2,
        maxFailuresPerAddress: 50,
        windowSeconds: 60,
        maxBlockSeconds: 30,
      });
      try {
        await throttle.check('a@pasargizi.test', '10.0.0.1');
        await throttle.recordFailure('a@pasargizi.test', '10.0.0.1');
        await throttle.recordFailure('a@pasargizi.test', '10.0.0.1');
        await expect(throttle.check('a@pasargizi.test', '10.0.0.1')).rejects.toMatchObject({
          code: 'TOO_MANY_REQUESTS',
        });
        // Another address is not held back; a success clears the pair.
        await throttle.check('a@pasargizi.test', '10.0.0.2');
        await throttle.recordSuccess('a@pasargizi.test', '10.0.0.1');
        await throttle.check('a@pasargizi.test', '10.0.0.1');
      } finally {
        await throttle.onModuleDestroy();
      }
    });

    it('live messages published on the cluster reach a subscriber (of any node)', async () => {
      const prefix = `e2e-${randomBytes(4).toString('hex')}`;
      const subscriber = client();
      const heard: string[] = [];
      subscriber.on('message', (channel: string, message: string) => heard.push(`${channel} ${message}`));
      await subscriber.subscribe(liveChannels.market(prefix, '35.72'), liveChannels.market(prefix, '35.05'));
      const publisher = new LivePublisher(client(), prefix);
      const event = (regionCode: string): MarketEventMessage => ({
        at: new Date().toISOString(),
        kind: 'DEMAND_POSTED',
        regionCode,
        entityType: 'DemandRequest',
        entityId: randomBytes(8).toString('hex'),
        summary: { en: 'posted', id: 'diposting' },
      });
      const blitar = event('35.72');
      const kabupaten = event('35.05');
      await publisher.publishMarketEvent(blitar);
      await publisher.publishMarketEvent(kabupaten);
      await eventually(async () => heard.length === 2);
      expect(heard.sort()).toEqual(
        [
          `${liveChannels.market(prefix, '35.72')} ${JSON.stringify(blitar)}`,
          `${liveChannels.market(prefix, '35.05')} ${JSON.stringify(kabupaten)}`,
        ].sort(),
      );
    });
  });
}

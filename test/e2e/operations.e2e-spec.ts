/**
 * Operations: liveness and readiness, /metrics, request ids carried into jobs, the outbox
 * relay's lease (no transaction open while publishing; a lapsed lease is taken over; a publish
 * that times out gives its rows back), and pruning of old idempotency records and outbox rows.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { MARKET_QUEUE } from '../../libs/jobs/src/job-types.js';
import { OutboxRelay } from '../../libs/jobs/src/outbox-relay.js';
import { redisConnection } from '../../libs/jobs/src/redis-connection.js';
import { blackHole } from '../support/child-app.js';
import { daysFromNow, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id } }`;

describe('operations', () => {
  let system: TestSystem;
  let db: DataSource;
  let base: string;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { PRUNE_INTERVAL_MS: '300' } });
    db = system.api.get<DataSource>(getDataSourceToken());
    base = system.url.replace(/\/graphql$/, '');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers liveness without I/O, readiness with database, Redis and queue, and /health as before', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } },
    });
    const legacy = await fetch(`${base}/health`);
    expect(await legacy.json()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics: requests by operation and outcome, queue depth, outbox lag', async () => {
    await system.ok(`{ commodities { code } }`);
    await system.request(`{ me { id } }`);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /pasar_gizi_graphql_requests_total\{operation="query:commodities",outcome="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /pasar_gizi_graphql_requests_total\{operation="query:me",outcome="UNAUTHENTICATED"\} [1-9]/,
    );
    expect(text).toMatch(
      /pasar_gizi_http_requests_total\{method="POST",route="\/graphql",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/pasar_gizi_queue_jobs\{queue="market",state="waiting"\} \d+/);
    expect(text).toMatch(/pasar_gizi_outbox_lag_seconds \d/);
    expect(text).toContain('pasar_gizi_job_duration_seconds');
    expect(text).toContain('pasar_gizi_award_evaluation_seconds');
  });

  it('carries the request id into the outbox row and the job, and echoes it', async () => {
    const kitchen = await system.login('sppg.bendo@pasargizi.test');
    const response = await fetch(system.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${kitchen}`,
        'x-request-id': 'req-ops-4711',
      },
      body: JSON.stringify({
        query: POST_DEMAND,
        variables: {
          input: {
            deliveryDate: daysFromNow(9),
            biddingClosesAt: secondsFromNow(3600),
            lines: [{ commodityCode: 'SPINACH', quantity: 3 }],
          },
        },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-ops-4711');
    const demandId = ((await response.json()) as { data: { postDemand: { id: string } } }).data.postDemand.id;
    const rows = (await db.query(
      `SELECT payload FROM outbox_message WHERE job_name = 'close-bidding' AND payload->>'demandId' = $1`,
      [demandId],
    )) as { payload: Record<string, unknown> }[];
    expect(rows).toEqual([{ payload: { v: 1, demandId, requestId: 'req-ops-4711' } }]);
    // A header that is not a plain token is replaced, not trusted.
    const odd = await fetch(`${base}/health/live`, { headers: { 'x-request-id': '<script> and more' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('claims outbox rows with a committed lease: no open transaction while publishing, a lapsed lease is taken over, a timed-out publish gives rows back', async () => {
    await eventually(async () => {
      const [row] = (await db.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
      )) as { n: number }[];
      return row!.n === 0;
    });
    await system.worker!.close();
    // A queue whose Redis hangs on publishing (PING still answers): it never settles.
    const hangingQueue = { add: () => new Promise<never>(() => undefined) } as unknown as Queue;
    const realQueue = new Queue(MARKET_QUEUE, {
      connection: redisConnection(system.config.redisUrl, 2000),
      prefix: system.config.queuePrefix,
    });
    try {
      const [inserted] = (await db.query(
        `INSERT INTO outbox_message (queue, job_name, job_id, payload, run_at)
         VALUES ('market', 'close-bidding', 'close-bidding.lease-test', '{"v":1,"demandId":"00000000-0000-0000-0000-000000000000"}', now() + interval '1 hour')
         RETURNING id`,
      )) as { id: string }[];
      const id = inserted!.id;
      const state = async () =>
        (
          (await db.query(
            `SELECT published_at, claimed_until, claimed_by, attempts, last_error FROM outbox_message WHERE id = $1`,
            [id],
          )) as {
            published_at: Date | null;
            claimed_until: Date | null;
            claimed_by: string | null;
            attempts: number;
            last_error: string | null;
          }[]
        )[0]!;

      const stuck = new OutboxRelay(
        db,
        () => hangingQueue,
        { leaseMs: 1000, redisTimeoutMs: 5000 },
        async () => 'PONG',
      );
      const stuckPass = stuck.publishBatch();
      await eventually(async () => (await state()).claimed_by === stuck.relayId);
      // The claim committed: nothing holds the row while the publish hangs.
      await db.transaction(async (tx) => {
        expect(await tx.query(`SELECT id FROM outbox_message WHERE id = $1 FOR UPDATE NOWAIT`, [id])).toEqual(
          [{ id }],
        );
      });

      const healthy = new OutboxRelay(
        db,
        () => realQueue,
        { leaseMs: 5000, redisTimeoutMs: 2000 },
        async () => 'PONG',
      );
      expect(await healthy.publishBatch()).toBe(0); // the lease still holds
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await healthy.publishBatch()).toBe(1); // lapsed: taken over and published
      expect(await state()).toMatchObject({ claimed_until: null, claimed_by: healthy.relayId });
      expect((await state()).published_at).not.toBeNull();
      expect(await realQueue.getJob('close-bidding.lease-test')).toBeTruthy();
      // The stuck publish times out within this test (its pool still open) and publishes nothing;
      // giving its row back then changes nothing, since the row is no longer its own.
      await expect(stuckPass).resolves.toBe(0);
      expect((await state()).claimed_by).toBe(healthy.relayId);

      await db.query(`UPDATE outbox_message SET published_at = NULL WHERE id = $1`, [id]);
      const impatient = new OutboxRelay(
        db,
        () => hangingQueue,
        { leaseMs: 60_000, redisTimeoutMs: 300 },
        async () => 'PONG',
      );
      expect(await impatient.publishBatch()).toBe(0);
      const afterTimeout = await state();
      expect(afterTimeout).toMatchObject({ published_at: null, claimed_until: null, attempts: 1 });
      expect(afterTimeout.last_error).toMatch(/did not answer within 300 ms/);
      // Given back at once: the healthy relay publishes it on its next pass, no lease to wait out.
      expect(await healthy.publishBatch()).toBe(1);

      // A relay whose Redis does not answer a PING claims nothing at all.
      await db.query(`UPDATE outbox_message SET published_at = NULL WHERE id = $1`, [id]);
      const hole = await blackHole();
      const deaf = new OutboxRelay(
        db,
        () => hangingQueue,
        { leaseMs: 60_000, redisTimeoutMs: 300 },
        () => new Promise(() => undefined),
      );
      try {
        await expect(deaf.publishBatch()).rejects.toThrow(/did not answer/);
        expect((await state()).claimed_until).toBeNull();
      } finally {
        await hole.close();
        await db.query(`DELETE FROM outbox_message WHERE id = $1`, [id]);
      }
    } finally {
      await realQueue.close();
    }
  });

  it('prunes idempotency records after 24 h and published outbox rows after 7 days, on a schedule', async () => {
    // (The worker was closed above; a fresh one runs the repeatable prune job.)
    const pruning = await TestSystem.start({ env: { PRUNE_INTERVAL_MS: '300' } });
    try {
      const pdb = pruning.api.get<DataSource>(getDataSourceToken());
      await pdb.query(
        `INSERT INTO idempotency_record (scope, key, request_hash, response, created_at) VALUES
           ('u', 'old', 'h', '{}', now() - interval '25 hours'),
           ('u', 'fresh', 'h', '{}', now() - interval '23 hours')`,
      );
      await pdb.query(
        `INSERT INTO outbox_message (queue, job_name, job_id, payload, published_at, created_at) VALUES
           ('market', 'x', 'prune.old', '{}', now() - interval '8 days', now() - interval '8 days'),
           ('market', 'x', 'prune.recent', '{}', now() - interval '6 days', now() - interval '8 days')`,
      );
      await eventually(async () => {
        const rows = (await pdb.query(`SELECT key FROM idempotency_record WHERE scope = 'u'`)) as {
          key: string;
        }[];
        return rows.length === 1;
      });
      await eventually(async () => {
        const rows = (await pdb.query(`SELECT job_id FROM outbox_message WHERE job_id LIKE 'prune.%'`)) as {
          job_id: string;
        }[];
        return rows.length === 1;
      });
      expect(await pdb.query(`SELECT key FROM idempotency_record WHERE scope = 'u'`)).toEqual([
        { key: 'fresh' },
      ]);
      expect(await pdb.query(`SELECT job_id FROM outbox_message WHERE job_id LIKE 'prune.%'`)).toEqual([
        { job_id: 'prune.recent' },
      ]);
    } finally {
      await pruning.stop();
    }
  });

  it('reports not ready (503) when Redis does not answer, while liveness stays up', async () => {
    const hole = await blackHole();
    const deaf = await TestSystem.start({
      worker: false,
      env: { REDIS_URL: `redis://127.0.0.1:${hole.port}`, REDIS_COMMAND_TIMEOUT_MS: '500' },
    });
    try {
      const deafBase = deaf.url.replace(/\/graphql$/, '');
      expect((await fetch(`${deafBase}/health/live`)).status).toBe(200);
      const ready = await fetch(`${deafBase}/health/ready`, { signal: AbortSignal.timeout(10_000) });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'error',
        error: { redis: { status: 'down' } },
        info: { database: { status: 'up' } },
      });
    } finally {
      await deaf.stop();
      await hole.close();
    }
  });
});

/**
 * Chaos: real API and worker processes, real Postgres and Redis, and a failure each.
 *  (a) a worker whose Redis hangs or refuses: a healthy worker still delivers a close job on
 *      time, and the broken one exits within 10 s of SIGTERM (non-zero: it could not stop cleanly);
 *  (b) the API gets SIGTERM while mutations with Idempotency-Keys are in flight: nothing is
 *      half-written, and retrying every key against a restarted API creates no duplicate;
 *  (c) a row held locked (up to 40 s) by another client: requests that need it fail clearly
 *      and retryably within the lock timeout, others answer, /health/live answers at once.
 * Timeouts are configured short so the suite stays fast; time bounds here only prove "does
 * not hang", generously.
 */
import pg from 'pg';
import { blackHole, freePort, startChildApp, type ChildApp } from '../support/child-app.js';
import { createDatabaseFromTemplate, TEST_DEMO_PASSWORD } from '../support/test-database.js';
import { daysFromNow, eventually, secondsFromNow, type GraphQLResult } from '../support/test-app.js';
import { randomBytes } from 'node:crypto';

/** Per test: child processes boot from TypeScript sources (several seconds each on a busy machine). */
const CHAOS_TIMEOUT_MS = 600_000;

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A GraphQL client for one base URL; `timeoutMs` aborts a request that hangs. */
function client(baseUrl: string) {
  return async function request<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: { token?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<GraphQLResult<T>> {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    return (await response.json()) as GraphQLResult<T>;
  };
}

async function login(baseUrl: string, email: string): Promise<string> {
  const result = await client(baseUrl)<{ login: { accessToken: string } }>(
    `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
    { input: { email, password: TEST_DEMO_PASSWORD } },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.login.accessToken;
}

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id status } }`;
const DEMAND_STATUS = `query($id: ID!) { demand(id: $id) { status } }`;

describe('chaos', () => {
  let database: { url: string; drop(): Promise<void> };
  let sql: pg.Client;
  const apps: ChildApp[] = [];
  const queuePrefix = `chaos-${randomBytes(4).toString('hex')}`;

  const baseEnv = () => ({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    OUTBOX_POLL_MS: '25',
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    OUTBOX_LEASE_MS: '5000',
  });

  async function start(kind: 'api' | 'worker', env: Record<string, string> = {}): Promise<ChildApp> {
    const app = await startChildApp(kind, { ...baseEnv(), ...env });
    apps.push(app);
    return app;
  }

  async function startApi(env: Record<string, string> = {}): Promise<{ app: ChildApp; url: string }> {
    const port = await freePort();
    const app = await start('api', { PORT: String(port), ...env });
    return { app, url: `http://127.0.0.1:${port}` };
  }

  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.kill()));
  });

  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  }, CHAOS_TIMEOUT_MS);

  it(
    '(a) a worker whose Redis hangs or refuses delays no job, and exits within 10 s of SIGTERM',
    async () => {
      const hanging = await blackHole();
      const closedPort = await freePort();
      try {
        // The broken workers start with the API and have the outbox to themselves for a while.
        const [{ url }, ...broken] = await Promise.all([
          startApi(),
          start('worker', { REDIS_URL: `redis://127.0.0.1:${hanging.port}` }),
          start('worker', { REDIS_URL: `redis://127.0.0.1:${closedPort}` }),
        ]);
        const kitchen = await login(url, 'sppg.sentul@pasargizi.test');
        const closesAt = secondsFromNow(3);
        const posted = await client(url)<{ postDemand: { id: string } }>(
          POST_DEMAND,
          {
            input: {
              deliveryDate: daysFromNow(9),
              biddingClosesAt: closesAt,
              lines: [{ commodityCode: 'SPINACH', quantity: 10 }],
            },
          },
          { token: kitchen },
        );
        const demandId = posted.data!.postDemand.id;
        // Many passes of the broken relays at the close-bidding row, until after it is due.
        await new Promise((resolve) => setTimeout(resolve, Date.parse(closesAt) - Date.now() + 1500));
        const healthy = await start('worker');
        const healthyAt = Date.now();

        // The job is overdue when the healthy worker comes up: it must run within seconds, not
        // wait for a broken relay (a boot under load can take long; it is not counted).
        const status = async () =>
          (
            await client(url)<{ demand: { status: string } }>(
              DEMAND_STATUS,
              { id: demandId },
              { token: kitchen },
            )
          ).data?.demand.status;
        await eventually(async () => (await status()) !== 'OPEN', 10_000, 100);
        expect(Date.now() - healthyAt).toBeLessThan(10_000);
        const [row] = (
          await sql.query(
            `SELECT published_at, claimed_until FROM outbox_message WHERE job_name = 'close-bidding' AND payload->>'demandId' = $1`,
            [demandId],
          )
        ).rows;
        expect(row.published_at).not.toBeNull();
        expect(row.claimed_until).toBeNull();
        // No transaction stays open while a relay waits for Redis (a moment between statements is normal).
        const idle = await sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%'
              AND now() - state_change > interval '5 seconds'`,
        );
        expect(idle.rows[0].n).toBe(0);

        for (const worker of broken) {
          const exit = await worker.terminate();
          expect(exit.ms).toBeLessThan(12_000);
          expect(exit.signal).toBeNull();
          expect(exit.code).not.toBe(0);
        }
        const healthyExit = await healthy.terminate();
        expect(healthyExit).toMatchObject({ code: 0, signal: null });
        expect(healthyExit.ms).toBeLessThan(12_000);
      } finally {
        await hanging.close();
      }
    },
    CHAOS_TIMEOUT_MS,
  );

  it(
    '(b) API SIGTERM under load: nothing half-written, and retried keys create no duplicates',
    async () => {
      const first = await startApi();
      const kitchen = await login(first.url, 'sppg.gedog@pasargizi.test');
      const run = randomBytes(3).toString('hex');
      const inputs = Array.from({ length: 30 }, (_, i) => ({
        key: `chaos-${run}-${i}`,
        input: {
          deliveryDate: daysFromNow(10),
          biddingClosesAt: secondsFromNow(3600),
          note: `chaos-${run}-${i}`,
          lines: [
            { commodityCode: 'SPINACH', quantity: 5 + i },
            { commodityCode: 'EGG', quantity: 2 + i },
          ],
        },
      }));
      const send = (url: string, item: (typeof inputs)[number]) =>
        client(url)<{ postDemand: { id: string } }>(
          POST_DEMAND,
          { input: item.input },
          { token: kitchen, headers: { 'idempotency-key': item.key }, timeoutMs: 20_000 },
        );

      const inFlight = inputs.map((item) =>
        send(first.url, item).then(
          (result) => result,
          (error: Error) => error,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      const exit = await first.app.terminate();
      expect(exit.ms).toBeLessThan(12_000);
      const firstRound = await Promise.all(inFlight);
      const answered = new Map<string, string>();
      firstRound.forEach((result, i) => {
        if (!(result instanceof Error) && result.data?.postDemand)
          answered.set(inputs[i]!.key, result.data.postDemand.id);
      });

      const second = await startApi();
      for (const item of inputs) {
        // A key whose first request is still reserved would answer CONFLICT "still being processed".
        const result = await eventually(
          async () => {
            const retried = await send(second.url, item);
            if (retried.data?.postDemand) return retried;
            // Only a forced exit (it could not finish in time) may leave a key reserved and unanswered.
            const stillReserved = /still being processed/.test(retried.errors?.[0]?.message ?? '');
            if (exit.code !== 0 && stillReserved) return retried;
            throw new Error(`${item.key}: ${JSON.stringify(retried.errors)}`);
          },
          30_000,
          200,
        );
        if (!result.data?.postDemand) continue;
        const id = result.data.postDemand.id;
        if (answered.has(item.key)) expect(id).toBe(answered.get(item.key));
        answered.set(item.key, id);
      }

      const demands = await sql.query(
        `SELECT d.note, count(DISTINCT l.id)::int AS lines, count(DISTINCT o.id)::int AS outbox
         FROM demand_request d
         LEFT JOIN demand_line l ON l.demand_id = d.id
         LEFT JOIN outbox_message o ON o.job_name = 'close-bidding' AND o.payload->>'demandId' = d.id::text
        WHERE d.note LIKE $1 GROUP BY d.id, d.note`,
        [`chaos-${run}-%`],
      );
      // No duplicate: one demand per key at most, and one for every key that was answered.
      expect(new Set(demands.rows.map((row) => row.note)).size).toBe(demands.rows.length);
      for (const key of answered.keys()) expect(demands.rows.map((row) => row.note)).toContain(key);
      // Nothing half-written: every demand has both lines and its close job.
      for (const row of demands.rows) expect(row).toMatchObject({ lines: 2, outbox: 1 });
      if (exit.code === 0) {
        // A clean stop finished every request in flight: every key has its answer.
        expect(answered.size).toBe(inputs.length);
        const unanswered = await sql.query(
          `SELECT count(*)::int AS n FROM idempotency_record WHERE key LIKE $1 AND response IS NULL`,
          [`chaos-${run}-%`],
        );
        expect(unanswered.rows[0].n).toBe(0);
      }
    },
    CHAOS_TIMEOUT_MS,
  );

  it(
    '(c) a row locked for 40 s: requests that need it fail clearly and retryably, the rest answer, liveness at once',
    async () => {
      const { url } = await startApi({
        DATABASE_POOL_SIZE: '3',
        DATABASE_LOCK_TIMEOUT_MS: '800',
        DATABASE_STATEMENT_TIMEOUT_MS: '3000',
        DATABASE_POOL_ACQUIRE_TIMEOUT_MS: '1500',
      });
      const coordinator = await login(url, 'koordinator@pasargizi.test');
      const UPDATE_POLICY = `mutation($input: MarketPolicyInput!) { updateMarketPolicy(input: $input) { maxSuppliersPerLine } }`;
      const request = client(url);
      const policy = await request(
        UPDATE_POLICY,
        { input: { regionCode: '35.72', maxSuppliersPerLine: 2 } },
        { token: coordinator },
      );
      expect(policy.errors).toBeUndefined();

      const holder = new pg.Client({ connectionString: database.url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(`SELECT * FROM market_policy WHERE region_code = '35.72' FOR UPDATE`);
      const release = setTimeout(() => void holder.query('ROLLBACK').catch(() => undefined), 40_000);
      try {
        const started = Date.now();
        const blocked = Array.from({ length: 8 }, (_, i) =>
          request(
            UPDATE_POLICY,
            { input: { regionCode: '35.72', maxSuppliersPerLine: 3 + (i % 3) } },
            { token: coordinator, headers: { 'idempotency-key': `lock-${i}-${started}` }, timeoutMs: 20_000 },
          ),
        );
        // Liveness never waits for the pool.
        const liveStarted = Date.now();
        const live = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2000) });
        expect(live.status).toBe(200);
        expect(Date.now() - liveStarted).toBeLessThan(2000);

        const results = await Promise.all(blocked);
        expect(Date.now() - started).toBeLessThan(20_000);
        for (const result of results) {
          expect(result.data ?? null).toBeNull();
          const error = result.errors![0]!;
          expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
          expect(['LOCK_TIMEOUT', 'POOL_TIMEOUT', 'STATEMENT_TIMEOUT']).toContain(
            error.extensions!['reason'],
          );
          expect((error.extensions!['messages'] as { id: string }).id).toMatch(/coba lagi/);
        }
        expect(results.some((result) => result.errors![0]!.extensions!['reason'] === 'LOCK_TIMEOUT')).toBe(
          true,
        );

        // What does not need the row answers (or, if the pool is momentarily full, fails clearly).
        const read = await request(`{ commodities { code } }`, {}, { timeoutMs: 10_000 });
        if (read.errors)
          expect(read.errors[0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
        else expect(read.data!['commodities'].length).toBeGreaterThan(0);
      } finally {
        clearTimeout(release);
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      // The lock gone, the same request (same key) really runs: a retryable failure is not replayed.
      const retried = await request(
        UPDATE_POLICY,
        { input: { regionCode: '35.72', maxSuppliersPerLine: 3 } },
        { token: coordinator, timeoutMs: 10_000 },
      );
      expect(retried.data).toEqual({ updateMarketPolicy: { maxSuppliersPerLine: 3 } });
    },
    CHAOS_TIMEOUT_MS,
  );
});

/**
 * Notification fan-out throughput: a Kota Blitar day's worth of events (a new-demand digest per
 * close moment to every cooperative user of the market, and alerts to the coordinators) recorded
 * through the outbox in one commit, then measured from that commit until every notification and
 * delivery row is stored by the worker (in this process, real Postgres and Redis).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../libs/core/src/app-config.js';
import { createDataSource } from '../libs/database/src/data-source.js';
import { seedKotaBlitar } from '../libs/database/src/seed/seed-kota-blitar.js';
import { closeMomentKey, recordNotificationEvent } from '../libs/notify/src/notification-events.js';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';

export interface NotifyBenchResult {
  events: number;
  notifications: number;
  seconds: number;
  notificationsPerSecond: number;
  eventsPerSecond: number;
}

const MARKET = '35.72';

export async function runNotifyBench(options: {
  databaseUrl: string;
  redisUrl: string;
  moments?: number;
  alerts?: number;
  usersPerCooperative?: number;
  log?: (line: string) => void;
}): Promise<NotifyBenchResult> {
  const log = options.log ?? (() => undefined);
  const moments = options.moments ?? 150;
  const alertCount = options.alerts ?? 300;
  const usersPerCooperative = options.usersPerCooperative ?? 5;
  const name = 'pasar_gizi_bench_notify';
  const adminUrl = new URL(options.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(options.databaseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  await dataSource.runMigrations();
  await seedKotaBlitar(dataSource, { demoPassword: 'pasargizi-bench' });

  // A few operators per cooperative (a cooperative's board and its field staff read the app).
  await dataSource.query(
    `INSERT INTO app_user (email, name, role, organization_id, password_hash)
     SELECT 'op' || n || '.' || o.id || '@bench.test', 'Operator ' || n, 'COOPERATIVE_OPERATOR', o.id, 'x'
       FROM organization o CROSS JOIN generate_series(2, $1::int) n WHERE o.kind = 'COOPERATIVE'`,
    [usersPerCooperative],
  );
  const [kitchen] = await dataSource.query(
    `SELECT o.id, u.id AS user_id FROM organization o JOIN app_user u ON u.organization_id = o.id
      WHERE o.kind = 'KITCHEN' AND o.region_code LIKE $1 || '.%' LIMIT 1`,
    [MARKET],
  );
  // One demand per close moment (the day's kitchens close at many different moments).
  const base = Date.now() + 2 * 86_400_000;
  const closes = Array.from({ length: moments }, (_, i) => new Date(base + i * 60_000));
  const demands: { id: string }[] = await dataSource.query(
    `INSERT INTO demand_request (kitchen_id, market_code, status, delivery_date, bidding_closes_at, deliver_by,
            weight_price, weight_quality, weight_distance, weight_reliability, created_by)
     SELECT $1, $2, 'OPEN', (c + interval '1 day')::date, c, c + interval '1 day', 0.5, 0.2, 0.1, 0.2, $3
       FROM unnest($4::timestamptz[]) c RETURNING id`,
    [kitchen.id, MARKET, kitchen.user_id, closes],
  );
  await dataSource.query(
    `INSERT INTO demand_line (demand_id, line_no, commodity_code, quantity) SELECT id, 1, 'POTATO', 10 FROM unnest($1::uuid[]) id`,
    [demands.map((d) => d.id)],
  );
  const alerts: { id: string }[] = await dataSource.query(
    `INSERT INTO alert (region_code, kind, entity_id, message_en, message_id)
     SELECT $1, 'BENCH', gen_random_uuid(), 'Bench alert ' || n, 'Peringatan bench ' || n FROM generate_series(1, $2::int) n
     RETURNING id`,
    [MARKET, alertCount],
  );
  const [{ coops, coordinators }] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM app_user u JOIN organization o ON o.id = u.organization_id
              WHERE o.kind = 'COOPERATIVE' AND NOT o.suspended AND u.deactivated_at IS NULL
                AND (o.region_code = $1 OR o.region_code LIKE $1 || '.%')) AS coops,
            (SELECT count(*)::int FROM app_user u JOIN organization o ON o.id = u.organization_id
              WHERE u.role = 'CITY_COORDINATOR' AND u.deactivated_at IS NULL
                AND ($1 = o.region_code OR $1 LIKE o.region_code || '.%')) AS coordinators`,
    [MARKET],
  );
  const expected = moments * coops + alertCount * coordinators;
  log(`notify bench: ${moments + alertCount} events, ${expected} notifications expected`);

  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: `bench-notify-${randomBytes(3).toString('hex')}`,
    OUTBOX_POLL_MS: '20',
    LOG_LEVEL: 'warn',
  });
  const worker = await createWorkerApp(config);
  try {
    const started = performance.now();
    await dataSource.transaction(async (tx) => {
      for (const at of closes) await recordNotificationEvent(tx, 'DEMAND_OPENED', closeMomentKey(MARKET, at));
      for (const alert of alerts) await recordNotificationEvent(tx, 'ALERT', alert.id);
    });
    for (;;) {
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM notification`);
      if (n >= expected) break;
      if (performance.now() - started > 600_000)
        throw new Error(`only ${n} of ${expected} notifications in 10 min`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    const events = moments + alertCount;
    return {
      events,
      notifications: expected,
      seconds: Math.round(seconds * 100) / 100,
      notificationsPerSecond: Math.round(expected / seconds),
      eventsPerSecond: Math.round(events / seconds),
    };
  } finally {
    await worker.close();
    await dataSource.destroy();
  }
}

export function formatNotifyBench(result: NotifyBenchResult): string {
  return [
    `| events | notifications | seconds | notifications/s | events/s |`,
    `|---:|---:|---:|---:|---:|`,
    `| ${result.events} | ${result.notifications} | ${result.seconds} | ${result.notificationsPerSecond} | ${result.eventsPerSecond} |`,
  ].join('\n');
}

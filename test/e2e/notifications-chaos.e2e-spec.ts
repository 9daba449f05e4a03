/**
 * Notifications exactly once under failure: a worker SIGKILLed inside the fan-out transaction
 * and replaced, and a Redis that goes away and comes back empty. In both, every recipient ends
 * with the notification exactly once (and one IN_APP delivery), none lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { freePort } from '../support/child-app.js';
import { eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CREATE = `mutation($input: TradeContractInput!) { createTradeContract(input: $input) { id } }`;

function contractInput(buyerName: string) {
  return {
    input: {
      buyerName,
      destination: 'Makassar (Sulawesi Selatan)',
      commodityCode: 'RICE_MEDIUM',
      minGrade: 'B',
      unitPrice: 12_345,
      levyRate: 0.015,
      shipments: [
        { quantity: 50, pledgesCloseAt: secondsFromNow(3600), consolidateBy: secondsFromNow(7200) },
      ],
    },
  };
}

function startWorker(
  system: TestSystem,
  env: Record<string, string>,
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
        ...env,
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

/** Who must hear of a contract opened in Kota Blitar: every active user of its cooperatives. */
async function regencyCooperativeUsers(db: DataSource): Promise<number> {
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM app_user u JOIN organization o ON o.id = u.organization_id
      WHERE o.kind = 'COOPERATIVE' AND NOT o.suspended AND u.deactivated_at IS NULL
        AND (o.region_code = '35.72' OR o.region_code LIKE '35.72.%')`,
  );
  return n;
}

async function notesOf(db: DataSource, contractId: string) {
  return (
    await db.query(
      `SELECT (SELECT count(*)::int FROM notification WHERE event_key = $1) AS notes,
            (SELECT count(DISTINCT user_id)::int FROM notification WHERE event_key = $1) AS users,
            (SELECT count(*)::int FROM notification_delivery WHERE event_key = $1) AS deliveries`,
      [`TRADE_SHIPMENT_OPEN.${contractId}`],
    )
  )[0] as { notes: number; users: number; deliveries: number };
}

describe('notifications under failure', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) await stop(child, 'SIGKILL');
  });

  it('a worker SIGKILLed mid-fan-out: the next one finishes it, each notification exactly once', async () => {
    const system = await TestSystem.start({ worker: false });
    try {
      const db = system.api.get<DataSource>(getDataSourceToken());
      const officer = await system.login('btc@pasargizi.test');
      const contract = (await system.ok(CREATE, contractInput('PT Chaos'), { token: officer }))
        .createTradeContract;
      const expected = await regencyCooperativeUsers(db);
      expect(expected).toBeGreaterThan(3);

      const first = startWorker(system, { NOTIFY_FAN_OUT_PAUSE_MS: '120000' });
      children.push(first.child);
      await eventually(
        async () => first.output().includes('notification fan-out paused'),
        200_000,
        100,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; worker output:\n${first.output().slice(-3000)}`);
      });
      await stop(first.child, 'SIGKILL');
      expect(await notesOf(db, contract.id)).toEqual({ notes: 0, users: 0, deliveries: 0 }); // died with it

      const second = startWorker(system, {});
      children.push(second.child);
      await eventually(async () => (await notesOf(db, contract.id)).notes >= expected, 200_000, 250).catch(
        (error: Error) => {
          throw new Error(`${error.message}; worker output:\n${second.output().slice(-3000)}`);
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await notesOf(db, contract.id)).toEqual({
        notes: expected,
        users: expected,
        deliveries: expected,
      });
      await stop(second.child, 'SIGTERM');
    } finally {
      await system.stop();
    }
  }, 480_000);

  it('Redis away and back (empty): events wait in the outbox, then reach everyone exactly once', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'pgz-notify-redis-'));
    const startRedis = () => {
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        {
          stdio: 'ignore',
        },
      );
      children.push(child);
      return child;
    };
    let redis = startRedis();
    const system = await TestSystem.start({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    try {
      const db = system.api.get<DataSource>(getDataSourceToken());
      const officer = await system.login('btc@pasargizi.test');
      const expected = await regencyCooperativeUsers(db);
      const before = (await system.ok(CREATE, contractInput('PT Sebelum'), { token: officer }))
        .createTradeContract;
      await eventually(async () => (await notesOf(db, before.id)).notes >= expected, 60_000, 100);

      await stop(redis, 'SIGKILL');
      const during = (await system.ok(CREATE, contractInput('PT Selama'), { token: officer }))
        .createTradeContract;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await notesOf(db, during.id)).notes).toBe(0); // delayed, not lost: it waits in the outbox
      const [{ waiting }] = await db.query(
        `SELECT count(*)::int AS waiting FROM outbox_message WHERE published_at IS NULL AND job_id = $1`,
        [`notify.TRADE_SHIPMENT_OPEN.${during.id}`],
      );
      expect(waiting).toBe(1);

      redis = startRedis();
      await eventually(async () => (await notesOf(db, during.id)).notes >= expected, 120_000, 200);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      for (const id of [before.id, during.id])
        expect(await notesOf(db, id)).toEqual({ notes: expected, users: expected, deliveries: expected });
    } finally {
      await system.stop();
      await stop(redis, 'SIGTERM');
    }
  }, 300_000);
});

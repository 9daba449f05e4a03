import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import jwt from 'jsonwebtoken';
import type { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/api.app.js';
import { errorCode, TestSystem, type GraphQLResult } from '../support/test-app.js';
import { TEST_DEMO_PASSWORD } from '../support/test-database.js';

/**
 * Issue 7, defects 7, 10 and 11: password guessing is throttled per account and address in
 * Redis; tokens can be revoked (token version), expire always, and die with a deactivated
 * user; a suspended organisation's users read but change nothing; login is never stored in
 * the idempotency store.
 */

const ME = `{ me { id email active } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken user { id } } }`;
const CHANGE_PASSWORD = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }`;
const RESET = `mutation($input: ResetUserPasswordInput!) { resetUserPassword(input: $input) { id active } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateUser(id: $id) { id active } }`;
const REACTIVATE = `mutation($id: ID!) { reactivateUser(id: $id) { id active } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const LOT = { commodityCode: 'RICE_MEDIUM', quantity: 10, grade: 'A', source: 'OWN' };

function expectBilingual(result: GraphQLResult, code: string): void {
  expect(errorCode(result)).toBe(code);
  const messages = result.errors![0]!.extensions?.['messages'] as { en: string; id: string };
  expect(messages.en.length).toBeGreaterThan(0);
  expect(messages.id.length).toBeGreaterThan(0);
  expect(messages.id).not.toBe(messages.en);
}

describe('accounts and tokens', () => {
  let system: TestSystem;
  let dataSource: DataSource;
  let coordinator: string;

  beforeAll(async () => {
    // A low per-address limit keeps the spraying test short; X-Forwarded-For names the client.
    system = await TestSystem.start({
      worker: false,
      env: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_ADDRESS: '12' },
    });
    dataSource = system.api.get<DataSource>(getDataSourceToken());
    coordinator = await system.login('koordinator@pasargizi.test');
  });
  afterAll(async () => system.stop());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  const attempt = (email: string, password: string, address: string) =>
    system.request(LOGIN, { input: { email, password } }, from(address));
  const userId = async (token: string) => (await system.ok(ME, {}, { token })).me.id as string;

  describe('revocation and expiry', () => {
    it('a token works until the password is changed, then fails; the new one works', async () => {
      const email = 'sppg.bendo@pasargizi.test';
      const before = await system.login(email);
      expect((await system.ok(ME, {}, { token: before })).me.email).toBe(email);
      const changed = await system.ok(
        CHANGE_PASSWORD,
        { input: { currentPassword: TEST_DEMO_PASSWORD, newPassword: 'a-new-secret-1' } },
        { token: before },
      );
      expect(errorCode(await system.request(ME, {}, { token: before }))).toBe('UNAUTHENTICATED');
      expect((await system.ok(ME, {}, { token: changed.changePassword.accessToken })).me.email).toBe(email);
      expectBilingual(await attempt(email, TEST_DEMO_PASSWORD, '10.1.0.1'), 'UNAUTHENTICATED');
      await system.ok(LOGIN, { input: { email, password: 'a-new-secret-1' } });
    });

    it('changePassword wants the current password and a sane new one, and changes nothing otherwise', async () => {
      const token = await system.login('sppg.gedog@pasargizi.test');
      expectBilingual(
        await system.request(
          CHANGE_PASSWORD,
          { input: { currentPassword: 'not-it-at-all', newPassword: 'another-secret' } },
          { token },
        ),
        'BAD_USER_INPUT',
      );
      expectBilingual(
        await system.request(
          CHANGE_PASSWORD,
          { input: { currentPassword: TEST_DEMO_PASSWORD, newPassword: 'short' } },
          { token },
        ),
        'BAD_USER_INPUT',
      );
      expect((await system.ok(ME, {}, { token })).me.email).toBe('sppg.gedog@pasargizi.test');
      expect(
        errorCode(
          await system.request(CHANGE_PASSWORD, {
            input: { currentPassword: 'x', newPassword: 'yyyyyyyyyy' },
          }),
        ),
      ).toBe('UNAUTHENTICATED');
    });

    it('refuses a correctly signed token without exp, and one without a token version', async () => {
      const kitchen = await system.login('sppg.sentul@pasargizi.test');
      const id = await userId(kitchen);
      const [row] = (await dataSource.query(
        `SELECT u.role, u.organization_id AS org, o.kind, o.region_code AS region
           FROM app_user u JOIN organization o ON o.id = u.organization_id WHERE u.id = $1`,
        [id],
      )) as { role: string; org: string; kind: string; region: string }[];
      const claims = { ...row, ver: 0 };
      const sign = (payload: object, options: jwt.SignOptions) =>
        jwt.sign(payload, system.config.jwtSecret, {
          algorithm: 'HS256',
          subject: id,
          issuer: 'pasar-gizi',
          ...options,
        });
      // The control: the same claims with an expiry are accepted.
      expect(await userId(sign(claims, { expiresIn: 60 }))).toBe(id);
      expect(errorCode(await system.request(ME, {}, { token: sign(claims, {}) }))).toBe('UNAUTHENTICATED');
      const { ver: _ver, ...unversioned } = claims;
      expect(errorCode(await system.request(ME, {}, { token: sign(unversioned, { expiresIn: 60 }) }))).toBe(
        'UNAUTHENTICATED',
      );
      expect(errorCode(await system.request(ME, {}, { token: sign(claims, { expiresIn: -10 }) }))).toBe(
        'UNAUTHENTICATED',
      );
    });
  });

  describe('a coordinator manages the users of its region', () => {
    it('resets a password: the old token dies, the new password works; a kitchen may not', async () => {
      const email = 'sppg.pakunden@pasargizi.test';
      const kitchen = await system.login(email);
      const id = await userId(kitchen);
      expectBilingual(
        await system.request(
          RESET,
          { input: { userId: id, newPassword: 'reset-by-me-1' } },
          { token: kitchen },
        ),
        'FORBIDDEN',
      );
      expect(await userId(kitchen)).toBe(id);
      await system.ok(
        RESET,
        { input: { userId: id, newPassword: 'reset-by-coordinator' } },
        { token: coordinator },
      );
      expect(errorCode(await system.request(ME, {}, { token: kitchen }))).toBe('UNAUTHENTICATED');
      await system.ok(LOGIN, { input: { email, password: 'reset-by-coordinator' } });
      const trail = await dataSource.query(
        `SELECT 1 FROM audit_entry WHERE entity_id = $1 AND action = 'user.password_reset'`,
        [id],
      );
      expect(trail).toHaveLength(1);
    });

    it('may not reset or deactivate the administrator', async () => {
      const admin = await system.login('admin@pasargizi.test');
      const adminId = await userId(admin);
      expectBilingual(
        await system.request(
          RESET,
          { input: { userId: adminId, newPassword: 'take-over-1' } },
          { token: coordinator },
        ),
        'FORBIDDEN',
      );
      expectBilingual(await system.request(DEACTIVATE, { id: adminId }, { token: coordinator }), 'FORBIDDEN');
      expect(await userId(admin)).toBe(adminId);
    });

    it('deactivates: tokens and login stop; twice is CONFLICT; reactivated, the user signs in again', async () => {
      const email = 'kkmp.turi@pasargizi.test';
      const cooperative = await system.login(email);
      const id = await userId(cooperative);
      const kitchen = await system.login('sppg.tlumpu@pasargizi.test');
      expectBilingual(await system.request(DEACTIVATE, { id }, { token: kitchen }), 'FORBIDDEN');
      expect((await system.ok(DEACTIVATE, { id }, { token: coordinator })).deactivateUser.active).toBe(false);
      expect(errorCode(await system.request(ME, {}, { token: cooperative }))).toBe('UNAUTHENTICATED');
      const refused = await attempt(email, TEST_DEMO_PASSWORD, '10.2.0.1');
      expectBilingual(refused, 'UNAUTHENTICATED');
      expect(refused.errors![0]!.message).toMatch(/deactivated/);
      expectBilingual(await system.request(DEACTIVATE, { id }, { token: coordinator }), 'CONFLICT');
      expect((await system.ok(REACTIVATE, { id }, { token: coordinator })).reactivateUser.active).toBe(true);
      expectBilingual(await system.request(REACTIVATE, { id }, { token: coordinator }), 'CONFLICT');
      // The old token stays dead; a new login works.
      expect(errorCode(await system.request(ME, {}, { token: cooperative }))).toBe('UNAUTHENTICATED');
      expect((await system.ok(ME, {}, { token: await system.login(email) })).me.active).toBe(true);
    });
  });

  describe('a suspended cooperative', () => {
    it('signs in and reads, but every change is FORBIDDEN until reinstated', async () => {
      const email = 'kkmp.kauman@pasargizi.test';
      const before = await system.login(email);
      const me = await system.ok(`{ me { organization { id } } }`, {}, { token: before });
      const organizationId = me.me.organization.id as string;
      await system.ok(ADD_LOT, { input: LOT }, { token: before });
      await system.ok(
        `mutation($id: ID!) { suspendCooperative(id: $id, reason: "Investigation / Pemeriksaan") { suspended } }`,
        { id: organizationId },
        { token: coordinator },
      );
      const lots = `{ myStockLots(first: 5) { totalCount } }`;
      const after = await system.login(email);
      expect((await system.ok(lots, {}, { token: after })).myStockLots.totalCount).toBeGreaterThanOrEqual(1);
      for (const token of [before, after]) {
        expectBilingual(await system.request(ADD_LOT, { input: LOT }, { token }), 'FORBIDDEN');
        expectBilingual(
          await system.request(
            `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`,
            { id: '00000000-0000-0000-0000-000000000000' },
            { token },
          ),
          'FORBIDDEN',
        );
        expectBilingual(
          await system.request(
            CHANGE_PASSWORD,
            { input: { currentPassword: TEST_DEMO_PASSWORD, newPassword: 'while-suspended' } },
            { token },
          ),
          'FORBIDDEN',
        );
      }
      await system.ok(
        `mutation($id: ID!) { reinstateCooperative(id: $id) { suspended } }`,
        { id: organizationId },
        {
          token: coordinator,
        },
      );
      await system.ok(ADD_LOT, { input: LOT }, { token: before });
    });
  });

  describe('login throttling', () => {
    const victim = 'kkmp.sukorejo@pasargizi.test';
    let replica: INestApplication;
    let replicaUrl: string;

    beforeAll(async () => {
      // A second API process on the same Redis and database, as behind a load balancer.
      replica = await createApiApp(system.config, { logger: false });
      await replica.listen(0, '127.0.0.1');
      replicaUrl = `http://127.0.0.1:${(replica.getHttpServer().address() as { port: number }).port}/graphql`;
    });
    afterAll(async () => replica.close());

    it('blocks an address guessing one account, on every replica, but not the real user elsewhere, and not for long', async () => {
      const attacker = '203.0.113.7';
      const results: GraphQLResult[] = [];
      for (let i = 0; i < 30; i += 1) results.push(await attempt(victim, `guess-${i}`, attacker));
      const checked = results.filter((r) => errorCode(r) === 'UNAUTHENTICATED').length;
      const throttled = results.filter((r) => errorCode(r) === 'TOO_MANY_REQUESTS');
      // 5 guesses, then waits of 1 s, 2 s…: a few more at most while this loop runs.
      expect(checked).toBeGreaterThanOrEqual(5);
      expect(checked).toBeLessThanOrEqual(8);
      expect(throttled.length).toBe(30 - checked);
      expectBilingual(throttled[0]!, 'TOO_MANY_REQUESTS');
      expect(throttled[0]!.errors![0]!.extensions?.['retryAfterSeconds']).toBeGreaterThanOrEqual(1);
      expect(throttled[0]!.errors![0]!.message).toMatch(/Too many failed sign-ins/);

      // Even the right password from the attacker's address waits, on the other replica too.
      expect(errorCode(await attempt(victim, TEST_DEMO_PASSWORD, attacker))).toBe('TOO_MANY_REQUESTS');
      const viaReplica = (await (
        await fetch(replicaUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': attacker },
          body: JSON.stringify({
            query: LOGIN,
            variables: { input: { email: victim, password: TEST_DEMO_PASSWORD } },
          }),
        })
      ).json()) as GraphQLResult;
      expect(errorCode(viaReplica)).toBe('TOO_MANY_REQUESTS');

      // The real user, from their own address, signs in at once.
      const real = await attempt(victim, TEST_DEMO_PASSWORD, '198.51.100.20');
      expect(real.errors).toBeUndefined();
      expect(real.data?.login.accessToken).toEqual(expect.any(String));
    });

    it('the block on an address grows with failures but ends: a right password later clears it', async () => {
      const address = '203.0.113.8';
      const account = 'kkmp.gedog@pasargizi.test';
      for (let i = 0; i < 5; i += 1)
        expect(errorCode(await attempt(account, `nope-${i}`, address))).toBe('UNAUTHENTICATED');
      const blocked = await attempt(account, TEST_DEMO_PASSWORD, address);
      expect(errorCode(blocked)).toBe('TOO_MANY_REQUESTS');
      const wait = blocked.errors![0]!.extensions?.['retryAfterSeconds'] as number;
      expect(wait).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 200));
      expect((await attempt(account, TEST_DEMO_PASSWORD, address)).errors).toBeUndefined();
      // The success cleared the count: one more wrong password is checked, not throttled.
      expect(errorCode(await attempt(account, 'wrong-again', address))).toBe('UNAUTHENTICATED');
    });

    it('blocks an address spraying many accounts', async () => {
      const sprayer = '203.0.113.9';
      for (let i = 0; i < 12; i += 1) {
        expect(errorCode(await attempt(`nobody-${i}@pasargizi.test`, 'password1', sprayer))).toBe(
          'UNAUTHENTICATED',
        );
      }
      const next = await attempt('kkmp.tanggung@pasargizi.test', TEST_DEMO_PASSWORD, sprayer);
      expectBilingual(next, 'TOO_MANY_REQUESTS');
      expect(
        (await attempt('kkmp.tanggung@pasargizi.test', TEST_DEMO_PASSWORD, '198.51.100.21')).errors,
      ).toBeUndefined();
    });
  });

  describe('the idempotency store', () => {
    it('never stores or replays login, and ignores keys of anonymous callers', async () => {
      const count = async () =>
        ((await dataSource.query(`SELECT count(*)::int AS n FROM idempotency_record`)) as { n: number }[])[0]!
          .n;
      const before = await count();
      const headers = { 'idempotency-key': 'login-key-1', 'x-forwarded-for': '10.9.0.1' };
      const first = await system.request(
        LOGIN,
        { input: { email: 'sppg.sukorejo@pasargizi.test', password: TEST_DEMO_PASSWORD } },
        { headers },
      );
      expect(first.data?.login.accessToken).toEqual(expect.any(String));
      // Another caller reusing the key with another body is not told CONFLICT, nor given a token.
      const second = await system.request(
        LOGIN,
        { input: { email: 'sppg.tanjungsari@pasargizi.test', password: TEST_DEMO_PASSWORD } },
        { headers },
      );
      expect(second.errors).toBeUndefined();
      expect(second.data?.login.accessToken).not.toBe(first.data?.login.accessToken);
      const anonymous = await system.request(
        ADD_LOT,
        { input: LOT },
        { headers: { 'idempotency-key': 'anonymous-key-1' } },
      );
      expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
      expect(await count()).toBe(before);
      const stored = (await dataSource.query(
        `SELECT count(*)::int AS n FROM idempotency_record WHERE response::text LIKE '%accessToken%'`,
      )) as { n: number }[];
      expect(stored[0]!.n).toBe(0);
    });
  });
});

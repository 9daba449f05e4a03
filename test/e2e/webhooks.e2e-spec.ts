import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { WEBHOOK_RECIPIENTS } from '../../libs/notify/src/channels/notification-channels.module.js';
import { WebhookAdapter } from '../../libs/notify/src/channels/webhook.adapter.js';
import { WebhookDirectory } from '../../libs/notify/src/webhooks/webhook-directory.js';
import { verifyWebhookSignature } from '../../libs/notify/src/webhooks/webhook-signature.js';
import { FakeHttpServer } from '../support/fake-http-server.js';
import { errorCode, TestSystem } from '../support/test-app.js';

/**
 * An organisation's webhooks through the real API: registered by its own users for its own
 * organisation, the secret shown once and kept sealed, listed and deleted only by that
 * organisation; a delivery to it is signed with that very secret.
 */

const KITCHEN = 'sppg.sentul@pasargizi.test';
const COOPERATIVE = 'kkmp.sentul@pasargizi.test';
const ADMIN = 'admin@pasargizi.test';

const REGISTER = `mutation($input: WebhookInput!) {
  registerWebhook(input: $input) { secret webhook { id url kinds createdAt } } }`;
const LIST = `{ webhooks { id url kinds createdAt } }`;
const DELETE = `mutation($id: ID!) { deleteWebhook(id: $id) }`;
const ME = `{ me { organization { id } } }`;

interface Registration {
  registerWebhook: {
    secret: string;
    webhook: { id: string; url: string; kinds: string[]; createdAt: string };
  };
}

describe('webhooks', () => {
  let system: TestSystem;
  let receiver: FakeHttpServer;
  let dataSource: DataSource;
  const token = new Map<string, string>();

  beforeAll(async () => {
    [system, receiver] = await Promise.all([TestSystem.start({ worker: false }), FakeHttpServer.start()]);
    dataSource = system.api.get<DataSource>(getDataSourceToken());
    for (const email of [KITCHEN, COOPERATIVE, ADMIN]) token.set(email, await system.login(email));
  });
  afterAll(async () => {
    await receiver?.stop();
    await system?.stop();
  });

  const as = (email: string, query: string, variables: Record<string, unknown> = {}) =>
    system.request(query, variables, { token: token.get(email)! });
  const webhookRows = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM webhook`))[0].n);

  it('needs a signed-in user acting for an organisation', async () => {
    const input = { url: `${receiver.url}/hook`, kinds: ['ALERT'] };
    expect(errorCode(await system.request(REGISTER, { input }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await system.request(LIST))).toBe('UNAUTHENTICATED');
    expect(errorCode(await as(ADMIN, REGISTER, { input }))).toBe('FORBIDDEN');
    expect(await webhookRows()).toBe(0);
  });

  it('shows the secret once, keeps it sealed, and signs deliveries with it', async () => {
    const registered = await as(KITCHEN, REGISTER, {
      input: {
        url: `${receiver.url}/erp/hook`,
        kinds: ['ORDER_CONFIRMED', 'INVOICE_ISSUED', 'ORDER_CONFIRMED'],
      },
    });
    expect(registered.errors).toBeUndefined();
    const { secret, webhook } = (registered.data as Registration).registerWebhook;
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(webhook).toMatchObject({
      url: `${receiver.url}/erp/hook`,
      kinds: ['INVOICE_ISSUED', 'ORDER_CONFIRMED'],
    });

    // Afterwards: listed without any secret; the schema has no field that could carry it.
    expect((await as(KITCHEN, LIST)).data).toEqual({ webhooks: [webhook] });
    expect(errorCode(await as(KITCHEN, `{ webhooks { id secret } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    const [row] = await dataSource.query(`SELECT * FROM webhook WHERE id = $1`, [webhook.id]);
    expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    expect(row.secret_ciphertext).toMatch(/^v1\./);

    // The pipeline's view: the webhook wants ORDER_CONFIRMED, not ALERT; its secret signs.
    const me = await system.ok<{ me: { organization: { id: string } } }>(
      ME,
      {},
      { token: token.get(KITCHEN)! },
    );
    const directory = system.api.get(WebhookDirectory);
    const targets = await directory.forOrganization(me.me.organization.id, 'ORDER_CONFIRMED');
    const organizationId = me.me.organization.id;
    const target = { webhookId: webhook.id, organizationId, url: webhook.url, secret, kinds: webhook.kinds };
    expect(targets).toEqual([target]);
    expect(await directory.forOrganization(organizationId, 'ALERT')).toEqual([]);
    expect(await directory.forOrganizations([organizationId, randomUUID()])).toEqual([target]);
    expect(await directory.byId(webhook.id)).toEqual(target);
    // The pipeline's port (WEBHOOK_RECIPIENTS) is the same directory.
    expect(system.api.get(WEBHOOK_RECIPIENTS)).toBe(directory);

    const outcome = await system.api.get(WebhookAdapter).send({
      deliveryId: 'e2e-delivery-1',
      channel: 'WEBHOOK',
      address: targets[0].url,
      title: 'Order confirmed',
      body: 'PO-1 confirmed',
      payload: { kind: 'ORDER_CONFIRMED', orderNumber: 'PO-1' },
      secret: targets[0].secret,
    });
    expect(outcome).toEqual({ ok: true });
    const [request] = receiver.requests;
    expect(request.path).toBe('/erp/hook');
    expect(
      verifyWebhookSignature(request.body, secret, request.headers['x-pasargizi-signature'] as string),
    ).toBe(true);
  });

  it('never keeps the secret as a stored answer, even under an Idempotency-Key', async () => {
    const result = await system.request(
      REGISTER,
      { input: { url: `${receiver.url}/retry`, kinds: ['ALERT'] } },
      { token: token.get(COOPERATIVE)!, headers: { 'Idempotency-Key': 'register-webhook-1' } },
    );
    const { secret, webhook } = (result.data as Registration).registerWebhook;
    const stored = await dataSource.query(`SELECT * FROM idempotency_record`);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect((await as(KITCHEN, LIST)).data).toEqual({ webhooks: expect.not.arrayContaining([webhook]) });
    expect((await as(COOPERATIVE, DELETE, { id: webhook.id })).data).toEqual({ deleteWebhook: true });
  });

  it("another organisation neither sees nor deletes an organisation's webhook", async () => {
    const { webhooks } = (await as(KITCHEN, LIST)).data as { webhooks: { id: string }[] };
    expect(webhooks.length).toBeGreaterThan(0);
    expect((await as(COOPERATIVE, LIST)).data).toEqual({ webhooks: [] });
    expect(errorCode(await as(COOPERATIVE, DELETE, { id: webhooks[0].id }))).toBe('NOT_FOUND');
    expect(errorCode(await as(KITCHEN, DELETE, { id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect((await as(KITCHEN, LIST)).data).toEqual({ webhooks: expect.arrayContaining([expect.anything()]) });

    expect((await as(KITCHEN, DELETE, { id: webhooks[0].id })).data).toEqual({ deleteWebhook: true });
    expect(errorCode(await as(KITCHEN, DELETE, { id: webhooks[0].id }))).toBe('NOT_FOUND');
    expect(await system.api.get(WebhookDirectory).byId(webhooks[0].id)).toBeNull();
  });

  it('refuses a bad URL or kinds as BAD_USER_INPUT, writing nothing', async () => {
    const before = await webhookRows();
    for (const input of [
      { url: 'not a url', kinds: ['ALERT'] },
      { url: 'ftp://files.example.id/drop', kinds: ['ALERT'] },
      { url: '', kinds: ['ALERT'] },
      { url: `https://user:pw@hooks.example.id/x`, kinds: ['ALERT'] },
      { url: `https://hooks.example.id/${'x'.repeat(2100)}`, kinds: ['ALERT'] },
      { url: `${receiver.url}/hook`, kinds: [] },
      { url: `${receiver.url}/hook`, kinds: ['NOT_A_KIND'] },
    ]) {
      const result = await as(KITCHEN, REGISTER, { input });
      expect({ input, code: errorCode(result) }).toEqual({ input, code: 'BAD_USER_INPUT' });
    }
    expect(await webhookRows()).toBe(before);
  });

  describe('in production', () => {
    let production: TestSystem;
    beforeAll(async () => {
      production = await TestSystem.start({ worker: false, production: true });
    });
    afterAll(async () => production?.stop());

    it('accepts only https to a public host', async () => {
      const kitchen = await production.login(KITCHEN);
      const register = (url: string) =>
        production.request(REGISTER, { input: { url, kinds: ['ALERT'] } }, { token: kitchen });
      for (const url of [
        `${receiver.url}/hook`,
        'http://hooks.example.id/pasargizi',
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://10.1.2.3/hook',
        'https://[::1]/hook',
      ]) {
        expect({ url, code: errorCode(await register(url)) }).toEqual({ url, code: 'BAD_USER_INPUT' });
      }
      const accepted = await register('https://hooks.example.id/pasargizi');
      expect(accepted.errors).toBeUndefined();
      expect((accepted.data as Registration).registerWebhook.webhook.url).toBe(
        'https://hooks.example.id/pasargizi',
      );
    });
  });
});

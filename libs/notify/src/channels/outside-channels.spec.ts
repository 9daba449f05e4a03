import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FakeHttpServer } from '../../../../test/support/fake-http-server.js';
import { decodeHeader, decodeTextBody, SmtpSink } from '../../../../test/support/smtp-sink.js';
import { loadConfig } from '../../../core/src/app-config.js';
import { verifyWebhookSignature } from '../webhooks/webhook-signature.js';
import type { OutgoingMessage } from './channel-adapter.js';
import { EmailAdapter } from './email.adapter.js';
import { SmsAdapter } from './sms.adapter.js';
import { WebhookAdapter } from './webhook.adapter.js';
import { WhatsAppAdapter } from './whatsapp.adapter.js';

/**
 * The outside channels against real local servers the test starts (an HTTP server that records
 * requests and answers from a script; an SMTP sink): what leaves, how it is signed, and which
 * failures the pipeline may retry.
 */

/** Ordinary sends: generous, the machine is shared. Sends meant to time out use the short one. */
const TIMEOUT_MS = 10_000;
const SHORT_TIMEOUT_MS = 1000;
/** The fake answers only after this; stop() drops the pending answers. */
const SLOWER_THAN_TIMEOUT_MS = 30_000;
const SECRET = 'whsec_0123456789abcdef0123456789abcdef';

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    deliveryId: 'd2b1f6c4-0000-4000-8000-000000000001',
    channel: 'WEBHOOK',
    address: 'http://127.0.0.1:1/',
    title: 'Pesanan dikonfirmasi',
    body: 'Koperasi Sentul mengonfirmasi 25 kg beras untuk besok.',
    ...overrides,
  };
}

/** A port where nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('outside notification channels', () => {
  let http: FakeHttpServer;
  let smtp: SmtpSink;

  beforeAll(async () => {
    http = await FakeHttpServer.start();
    smtp = await SmtpSink.start();
  });
  afterAll(async () => {
    await http.stop();
    await smtp.stop();
  });
  beforeEach(() => {
    http.reset();
    smtp.messages.length = 0;
    smtp.refuseRecipients = false;
  });

  const config = (timeoutMs = TIMEOUT_MS) =>
    loadConfig({
      NODE_ENV: 'test',
      CHANNEL_TIMEOUT_MS: String(timeoutMs),
      WHATSAPP_API_URL: `${http.url}/v21.0`,
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_TOKEN: 'EAAG-test-token',
      SMS_GATEWAY_URL: `${http.url}/sms/send`,
      SMS_GATEWAY_TOKEN: 'sms-test-token',
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'Pasar Gizi <noreply@pasargizi.test>',
    });

  it('every adapter is off without configuration, and says so when asked to send', async () => {
    const bare = loadConfig({ NODE_ENV: 'test' });
    for (const adapter of [new WhatsAppAdapter(bare), new SmsAdapter(bare), new EmailAdapter(bare)]) {
      expect(adapter.enabled).toBe(false);
      await expect(adapter.send(message({ channel: adapter.channel }))).resolves.toMatchObject({
        ok: false,
        retryable: false,
      });
    }
    expect(new WebhookAdapter(bare).enabled).toBe(true);
    expect(http.requests).toHaveLength(0);
  });

  describe('WEBHOOK', () => {
    const payload = { kind: 'ORDER_CONFIRMED', orderId: 'po-1', text: 'Beras 25 kg — dikonfirmasi' };

    it('POSTs the JSON payload, signed over the exact bytes, with delivery id and event kind', async () => {
      const outcome = await new WebhookAdapter(config()).send(
        message({ address: `${http.url}/hooks/erp?tenant=7`, payload, secret: SECRET }),
      );
      expect(outcome).toEqual({ ok: true });
      expect(http.requests).toHaveLength(1);
      const [request] = http.requests;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/hooks/erp?tenant=7');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-pasargizi-delivery']).toBe('d2b1f6c4-0000-4000-8000-000000000001');
      expect(request.headers['x-pasargizi-event']).toBe('ORDER_CONFIRMED');
      expect(JSON.parse(request.body)).toEqual(payload);
      const signature = request.headers['x-pasargizi-signature'] as string;
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(request.body, SECRET, signature)).toBe(true);
      // Another secret, or one changed byte of the body, does not verify.
      expect(verifyWebhookSignature(request.body, `${SECRET}x`, signature)).toBe(false);
      expect(verifyWebhookSignature(request.body.replace('25', '26'), SECRET, signature)).toBe(false);
      expect(verifyWebhookSignature(request.body, SECRET, signature.slice(0, 63))).toBe(false);
      expect(verifyWebhookSignature(request.body, SECRET, undefined)).toBe(false);
    });

    it('keeps the same delivery id on a retry, so the receiver can drop the repeat', async () => {
      http.respondWith({ status: 503 }, { status: 200 });
      const adapter = new WebhookAdapter(config());
      const delivery = message({ address: `${http.url}/hook`, payload, secret: SECRET });
      expect(await adapter.send(delivery)).toMatchObject({ ok: false, retryable: true });
      expect(await adapter.send(delivery)).toEqual({ ok: true });
      expect(http.requests.map((r) => r.headers['x-pasargizi-delivery'])).toEqual([
        delivery.deliveryId,
        delivery.deliveryId,
      ]);
      expect(http.requests[0].body).toBe(http.requests[1].body);
    });

    it('tells retryable failures (429, 5xx, timeout, refused connection) from permanent ones (4xx, 3xx)', async () => {
      const adapter = new WebhookAdapter(config());
      const send = (address = `${http.url}/hook`) =>
        adapter.send(message({ address, payload, secret: SECRET }));
      for (const status of [429, 500, 502, 503]) {
        http.respondWith({ status, body: 'busy' });
        expect(await send()).toMatchObject({
          ok: false,
          retryable: true,
          error: expect.stringContaining(String(status)),
        });
      }
      for (const status of [400, 401, 404, 410, 301]) {
        http.respondWith({ status });
        expect(await send()).toMatchObject({ ok: false, retryable: false });
      }
      http.respondWith({ status: 200, delayMs: SLOWER_THAN_TIMEOUT_MS });
      const impatient = new WebhookAdapter(config(SHORT_TIMEOUT_MS));
      expect(
        await impatient.send(message({ address: `${http.url}/hook`, payload, secret: SECRET })),
      ).toMatchObject({
        ok: false,
        retryable: true,
        error: expect.stringContaining('No answer'),
      });
      expect(await send(`http://127.0.0.1:${await closedPort()}/hook`)).toMatchObject({
        ok: false,
        retryable: true,
        error: expect.stringContaining('Connection failed'),
      });
    });

    it('refuses to send without the secret (never an unsigned delivery)', async () => {
      expect(
        await new WebhookAdapter(config()).send(message({ address: `${http.url}/hook`, payload })),
      ).toMatchObject({
        ok: false,
        retryable: false,
      });
      expect(http.requests).toHaveLength(0);
    });
  });

  describe('WHATSAPP', () => {
    it('sends the Cloud API text message shape with the Bearer token and returns the wamid', async () => {
      http.respondWith({
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          contacts: [{ input: '+6281234567890', wa_id: '6281234567890' }],
          messages: [{ id: 'wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ' }],
        },
      });
      const adapter = new WhatsAppAdapter(config());
      expect(adapter.enabled).toBe(true);
      const outcome = await adapter.send(message({ channel: 'WHATSAPP', address: '+6281234567890' }));
      expect(outcome).toEqual({ ok: true, providerMessageId: 'wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjQ' });
      const [request] = http.requests;
      expect(request.path).toBe('/v21.0/106540352242922/messages');
      expect(request.headers.authorization).toBe('Bearer EAAG-test-token');
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body)).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+6281234567890',
        type: 'text',
        text: {
          preview_url: false,
          body: '*Pesanan dikonfirmasi*\nKoperasi Sentul mengonfirmasi 25 kg beras untuk besok.',
        },
      });
    });

    it('retries a rate limit or an outage, not a refused request', async () => {
      const adapter = new WhatsAppAdapter(config());
      const send = () => adapter.send(message({ channel: 'WHATSAPP', address: '+6281234567890' }));
      http.respondWith({ status: 429, body: { error: { message: 'rate limit', code: 130429 } } });
      expect(await send()).toMatchObject({ ok: false, retryable: true });
      http.respondWith({ status: 500 });
      expect(await send()).toMatchObject({ ok: false, retryable: true });
      http.respondWith({ status: 400, body: { error: { message: 'Invalid parameter', code: 100 } } });
      expect(await send()).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringContaining('Invalid parameter'),
      });
      http.respondWith({ status: 200, delayMs: SLOWER_THAN_TIMEOUT_MS });
      expect(
        await new WhatsAppAdapter(config(SHORT_TIMEOUT_MS)).send(
          message({ channel: 'WHATSAPP', address: '+6281234567890' }),
        ),
      ).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('No answer') });
    });
  });

  describe('SMS', () => {
    it('POSTs { to, message } with the token and the delivery id as Idempotency-Key', async () => {
      http.respondWith({ status: 202, body: { id: 'sms-778' } });
      const outcome = await new SmsAdapter(config()).send(
        message({ channel: 'SMS', address: '+6281234567890' }),
      );
      expect(outcome).toEqual({ ok: true, providerMessageId: 'sms-778' });
      const [request] = http.requests;
      expect(request.path).toBe('/sms/send');
      expect(request.headers.authorization).toBe('Bearer sms-test-token');
      expect(request.headers['idempotency-key']).toBe('d2b1f6c4-0000-4000-8000-000000000001');
      expect(JSON.parse(request.body)).toEqual({
        to: '+6281234567890',
        message: 'Pesanan dikonfirmasi\nKoperasi Sentul mengonfirmasi 25 kg beras untuk besok.',
      });
    });

    it('retries 5xx and timeouts, not 4xx', async () => {
      const adapter = new SmsAdapter(config());
      const send = () => adapter.send(message({ channel: 'SMS', address: '+6281234567890' }));
      http.respondWith({ status: 503 }, { status: 422, body: { error: 'bad number' } });
      expect(await send()).toMatchObject({ ok: false, retryable: true });
      expect(await send()).toMatchObject({ ok: false, retryable: false });
      http.respondWith({ status: 200, delayMs: SLOWER_THAN_TIMEOUT_MS });
      expect(
        await new SmsAdapter(config(SHORT_TIMEOUT_MS)).send(
          message({ channel: 'SMS', address: '+6281234567890' }),
        ),
      ).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('No answer') });
    });
  });

  describe('EMAIL', () => {
    it('arrives in the SMTP sink with subject and body in the language given', async () => {
      const adapter = new EmailAdapter(config());
      try {
        expect(adapter.enabled).toBe(true);
        const outcome = await adapter.send(
          message({
            channel: 'EMAIL',
            address: 'sppg.sentul@pasargizi.test',
            title: 'Pembayaran diterima — Faktur INV-2026-0042',
            body: 'Pembayaran Rp 1.250.000 untuk faktur INV-2026-0042 sudah diterima. Terima kasih.',
          }),
        );
        expect(outcome).toMatchObject({ ok: true, providerMessageId: expect.stringContaining('d2b1f6c4') });
        expect(smtp.messages).toHaveLength(1);
        const [mail] = smtp.messages;
        expect(mail.from).toBe('noreply@pasargizi.test');
        expect(mail.to).toEqual(['sppg.sentul@pasargizi.test']);
        expect(decodeHeader(mail.raw, 'Subject')).toBe('Pembayaran diterima — Faktur INV-2026-0042');
        expect(decodeHeader(mail.raw, 'X-PasarGizi-Delivery')).toBe('d2b1f6c4-0000-4000-8000-000000000001');
        expect(decodeTextBody(mail.raw)).toBe(
          'Pembayaran Rp 1.250.000 untuk faktur INV-2026-0042 sudah diterima. Terima kasih.',
        );
      } finally {
        adapter.onModuleDestroy();
      }
    });

    it('a refused recipient (550) is permanent; an unreachable server is retryable', async () => {
      smtp.refuseRecipients = true;
      const adapter = new EmailAdapter(config());
      const down = new EmailAdapter(
        loadConfig({
          NODE_ENV: 'test',
          CHANNEL_TIMEOUT_MS: String(SHORT_TIMEOUT_MS),
          SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
          EMAIL_FROM: 'noreply@pasargizi.test',
        }),
      );
      try {
        const mail = message({ channel: 'EMAIL', address: 'nobody@pasargizi.test' });
        expect(await adapter.send(mail)).toMatchObject({
          ok: false,
          retryable: false,
          error: expect.stringContaining('550'),
        });
        expect(smtp.messages).toHaveLength(0);
        expect(await down.send(mail)).toMatchObject({ ok: false, retryable: true });
      } finally {
        adapter.onModuleDestroy();
        down.onModuleDestroy();
      }
    });

    it('a server that never greets is a timeout, retryable', async () => {
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      const adapter = new EmailAdapter(
        loadConfig({
          NODE_ENV: 'test',
          CHANNEL_TIMEOUT_MS: String(SHORT_TIMEOUT_MS),
          SMTP_URL: `smtp://127.0.0.1:${port}`,
          EMAIL_FROM: 'noreply@pasargizi.test',
        }),
      );
      try {
        expect(await adapter.send(message({ channel: 'EMAIL', address: 'a@pasargizi.test' }))).toMatchObject({
          ok: false,
          retryable: true,
        });
      } finally {
        adapter.onModuleDestroy();
        silent.close();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // nodemailer's own greeting timeout is 30 s: ending well before proves CHANNEL_TIMEOUT_MS applies.
    }, 20_000);
  });
});

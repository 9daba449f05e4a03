/**
 * Notifications that LEAVE the building, end to end: the real API and worker, with every
 * outside channel pointed at a local fake (webhook receivers, the WhatsApp Cloud API, an SMS
 * gateway, an SMTP sink). A procurement round in one market must reach, through each channel,
 * exactly who asked for it, exactly once (retries and re-runs included), signed, in the
 * reader's language, and with only the reader's own price.
 */
import { getQueueToken } from '@nestjs/bullmq';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Job, type Queue } from 'bullmq';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  JOB_FAN_OUT_NOTIFICATION,
  JOB_SEND_NOTIFICATION,
  NOTIFY_QUEUE,
  jobIds,
} from '../../libs/jobs/src/job-types.js';
import { NotificationDeliveryService } from '../../libs/notify/src/notification-delivery.service.js';
import { NotificationFanOutService } from '../../libs/notify/src/notification-fan-out.service.js';
import { verifyWebhookSignature } from '../../libs/notify/src/webhooks/webhook-signature.js';
import { FakeHttpServer, type RecordedRequest } from '../support/fake-http-server.js';
import { decodeHeader, decodeTextBody, SmtpSink } from '../support/smtp-sink.js';
import { daysFromNow, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

const LOGINS = {
  kitchen: 'sppg.sentul@pasargizi.test',
  otherKitchen: 'sppg.bendo@pasargizi.test',
  /** Webhook that fails once (503), e-mail in English; wins the first kitchen at 13,000. */
  sentul: 'kkmp.sentul@pasargizi.test',
  /** No webhook; e-mail and WhatsApp in Bahasa Indonesia; wins the other kitchen at 17,000. */
  turi: 'kkmp.turi@pasargizi.test',
  /** A webhook that answers 400 forever. */
  kauman: 'kkmp.kauman@pasargizi.test',
  /** Nothing configured: must hear nothing outside. */
  gedog: 'kkmp.gedog@pasargizi.test',
} as const;
type Who = keyof typeof LOGINS;

const TURI_PHONE = '+6281234567801';
const WHATSAPP_TOKEN = 'e2e-whatsapp-token-0123456789';
const PHONE_NUMBER_ID = '109876543210';
const EMAIL_FROM = 'Pasar Gizi <noreply@pasargizi.test>';

const REGISTER = `mutation($input: WebhookInput!) { registerWebhook(input: $input) { secret webhook { id } } }`;
const PREFERENCES = `mutation($input: [NotificationPreferenceInput!]!) {
  updateNotificationPreferences(input: $input) { kind channels } }`;
const PROFILE = `mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { language phone } }`;
const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`;

interface DeliveryRow {
  id: string;
  event_key: string;
  recipient_key: string;
  channel: string;
  kind: string;
  address: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  sent_at: Date | null;
}

const SENTUL_PRICE = /13[.,]000/;
const TURI_PRICE = /17[.,]000/;

describe('notification delivery through the outside channels', () => {
  let system: TestSystem;
  let db: DataSource;
  let flakyHook: FakeHttpServer;
  let refusingHook: FakeHttpServer;
  let whatsapp: FakeHttpServer;
  let sms: FakeHttpServer;
  let smtp: SmtpSink;
  const token = {} as Record<Who, string>;
  const userId = {} as Record<Who, string>;
  const orgId = {} as Record<Who, string>;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    [flakyHook, refusingHook, whatsapp, sms, smtp] = await Promise.all([
      FakeHttpServer.start(),
      FakeHttpServer.start({ status: 400, body: { error: 'unknown event' } }),
      FakeHttpServer.start({ status: 200, body: { messages: [{ id: 'wamid.E2E-1' }] } }),
      FakeHttpServer.start(),
      SmtpSink.start(),
    ]);
    flakyHook.respondWith({ status: 503, body: { error: 'receiver restarting' } });
    // The worker runs in this process with this configuration: every channel on, pointed here.
    system = await TestSystem.start({
      env: {
        NOTIFY_DIGEST_DELAY_MS: '2000',
        CHANNEL_TIMEOUT_MS: '5000',
        WHATSAPP_API_URL: `${whatsapp.url}/v21.0`,
        WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_TOKEN,
        SMS_GATEWAY_URL: `${sms.url}/send`,
        SMS_GATEWAY_TOKEN: 'e2e-sms-token-0123456789',
        SMTP_URL: smtp.url,
        EMAIL_FROM,
      },
    });
    db = system.api.get<DataSource>(getDataSourceToken());
    for (const [who, email] of Object.entries(LOGINS) as [Who, string][]) {
      token[who] = await system.login(email);
      const [row] = await db.query(`SELECT id, organization_id FROM app_user WHERE email = $1`, [email]);
      userId[who] = row.id;
      orgId[who] = row.organization_id;
    }
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await Promise.all([flakyHook, refusingHook, whatsapp, sms, smtp].map((fake) => fake?.stop()));
  });

  const as = (who: Who, query: string, variables: Record<string, unknown> = {}) =>
    system.ok(query, variables, { token: token[who] });
  const outsideDeliveries = async (): Promise<DeliveryRow[]> =>
    db.query(
      `SELECT id, event_key, recipient_key, channel, kind, address, status, attempts, last_error,
              provider_message_id, sent_at
         FROM notification_delivery WHERE channel <> 'IN_APP' ORDER BY created_at, id`,
    );
  const everyOutsideRequest = (): string[] => [
    ...[flakyHook, refusingHook, whatsapp, sms].flatMap((fake) => fake.requests.map((r) => r.body)),
    ...smtp.messages.map((m) => m.raw),
  ];
  /** Nothing due in the outbox, no delivery still pending: nothing more will leave. */
  async function quiet(): Promise<void> {
    await eventually(
      async () => {
        const [{ due }] = await db.query(
          `SELECT count(*)::int AS due FROM outbox_message WHERE published_at IS NULL AND run_at <= now()`,
        );
        const [{ pending }] = await db.query(
          `SELECT count(*)::int AS pending FROM notification_delivery WHERE status = 'PENDING'`,
        );
        return due === 0 && pending === 0;
      },
      60_000,
      100,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }

  it('a procurement round leaves by webhook, e-mail and WhatsApp: signed, retried, once, in the reader language, own price only', async () => {
    // Sentul: a webhook (its first answer is a 503), e-mail for new demands, English.
    const sentulHook = (
      await as('sentul', REGISTER, {
        input: { url: `${flakyHook.url}/sentul/hook`, kinds: ['DEMAND_OPENED', 'OFFER_AWARDED'] },
      })
    ).registerWebhook;
    secrets[sentulHook.webhook.id] = sentulHook.secret;
    await as('sentul', PROFILE, { input: { language: 'en' } });
    await as('sentul', PREFERENCES, { input: [{ kind: 'DEMAND_OPENED', channels: ['EMAIL'] }] });
    // Kauman: a webhook that refuses (400) for ever.
    const kaumanHook = (
      await as('kauman', REGISTER, {
        input: { url: `${refusingHook.url}/kauman`, kinds: ['DEMAND_OPENED'] },
      })
    ).registerWebhook;
    // Turi: a phone, Bahasa Indonesia (the default); e-mail for new demands, WhatsApp for its award.
    expect((await as('turi', PROFILE, { input: { phone: TURI_PHONE } })).updateMyProfile).toEqual({
      language: 'id',
      phone: TURI_PHONE,
    });
    await as('turi', PREFERENCES, {
      input: [
        { kind: 'DEMAND_OPENED', channels: ['EMAIL'] },
        { kind: 'BIDDING_CLOSING', channels: [] },
        { kind: 'OFFER_AWARDED', channels: ['WHATSAPP'] },
      ],
    });

    // The round: two kitchens, one close moment; Sentul offers to the first (13,000, against
    // Turi's 17,000), Turi alone to the other (17,000).
    const lot = async (who: Who) =>
      (
        await as(who, ADD_LOT, {
          input: { commodityCode: 'POTATO', quantity: 400, grade: 'A', source: 'OWN' },
        })
      ).addStockLot.id as string;
    const [sentulLot, turiLot] = [await lot('sentul'), await lot('turi')];
    const closesAt = secondsFromNow(25);
    const demand = async (who: Who) =>
      (
        await as(who, POST_DEMAND, {
          input: {
            deliveryDate: daysFromNow(3),
            biddingClosesAt: closesAt,
            lines: [{ commodityCode: 'POTATO', quantity: 100 }],
          },
        })
      ).postDemand as { id: string; lines: { id: string }[] };
    const [first, other] = [await demand('kitchen'), await demand('otherKitchen')];
    const offer = (who: Who, demandLineId: string, stockLotId: string, unitPrice: number) =>
      as(who, SUBMIT, { input: { demandLineId, stockLotId, quantity: 100, unitPrice } });
    await offer('sentul', first.lines[0]!.id, sentulLot, 13_000);
    await offer('turi', first.lines[0]!.id, turiLot, 17_000);
    await offer('turi', other.lines[0]!.id, turiLot, 17_000);

    // Wait for the award to have left through Turi's WhatsApp, then for everything to settle.
    await eventually(async () => whatsapp.requests.length > 0, 120_000, 200);
    await quiet();
    const deliveries = await outsideDeliveries();
    const summary = deliveries.map((d) => `${d.kind} ${d.channel} ${d.recipient_key}`).sort();
    expect(summary).toEqual(
      [
        `DEMAND_OPENED EMAIL user.${userId.sentul}`,
        `DEMAND_OPENED EMAIL user.${userId.turi}`,
        `DEMAND_OPENED WEBHOOK webhook.${kaumanHook.webhook.id}`,
        `DEMAND_OPENED WEBHOOK webhook.${sentulHook.webhook.id}`,
        `OFFER_AWARDED WEBHOOK webhook.${sentulHook.webhook.id}`,
        `OFFER_AWARDED WHATSAPP user.${userId.turi}`,
      ].sort(),
    );
    const delivery = (kind: string, recipientKey: string) =>
      deliveries.find((d) => d.kind === kind && d.recipient_key === recipientKey)!;

    // 1. Webhook: the 503 is retried, with the same delivery id, body and valid signature.
    const digestHook = delivery('DEMAND_OPENED', `webhook.${sentulHook.webhook.id}`);
    const awardHook = delivery('OFFER_AWARDED', `webhook.${sentulHook.webhook.id}`);
    expect(flakyHook.requests).toHaveLength(3);
    const [attempt1, attempt2, award] = flakyHook.requests as [
      RecordedRequest,
      RecordedRequest,
      RecordedRequest,
    ];
    for (const request of [attempt1, attempt2])
      expect(request.headers['x-pasargizi-delivery']).toBe(digestHook.id);
    expect(award.headers['x-pasargizi-delivery']).toBe(awardHook.id);
    expect(attempt2.body).toBe(attempt1.body);
    for (const request of flakyHook.requests) {
      expect(request).toMatchObject({ method: 'POST', path: '/sentul/hook' });
      expect(request.headers['content-type']).toBe('application/json');
      const signature = request.headers['x-pasargizi-signature'] as string;
      expect(verifyWebhookSignature(request.body, sentulHook.secret, signature)).toBe(true);
      // Independently of our helper: HMAC-SHA256 of the exact body bytes, hex.
      const expected = createHmac('sha256', sentulHook.secret).update(Buffer.from(request.body)).digest();
      expect(timingSafeEqual(expected, Buffer.from(signature, 'hex'))).toBe(true);
      expect(verifyWebhookSignature(`${request.body} `, sentulHook.secret, signature)).toBe(false);
      expect(verifyWebhookSignature(request.body, kaumanHook.secret, signature)).toBe(false);
      expect(JSON.parse(request.body).organizationId).toBe(orgId.sentul);
    }
    expect(attempt1.headers['x-pasargizi-event']).toBe('DEMAND_OPENED');
    expect(award.headers['x-pasargizi-event']).toBe('OFFER_AWARDED');
    expect(digestHook).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(digestHook.last_error).toMatch(/^HTTP 503/); // the failed first attempt stays on record
    expect(digestHook.sent_at).not.toBeNull();
    expect(awardHook).toMatchObject({ status: 'SENT', attempts: 1, last_error: null });

    // 1b. A webhook answering 400: one attempt, no retry, FAILED with the answer logged.
    expect(refusingHook.requests).toHaveLength(1);
    expect(refusingHook.requests[0]!.headers['x-pasargizi-delivery']).toBe(
      delivery('DEMAND_OPENED', `webhook.${kaumanHook.webhook.id}`).id,
    );
    expect(delivery('DEMAND_OPENED', `webhook.${kaumanHook.webhook.id}`)).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      sent_at: null,
      last_error: expect.stringMatching(/^HTTP 400: .*unknown event/),
    });

    // 2. E-mail: one message each, Sentul's in English, Turi's in Bahasa Indonesia.
    expect(smtp.messages.map((m) => m.to).sort()).toEqual([[LOGINS.sentul], [LOGINS.turi]].sort());
    const mailTo = (who: Who) => smtp.messages.find((m) => m.to[0] === LOGINS[who])!;
    for (const who of ['sentul', 'turi'] as const) {
      const mail = mailTo(who);
      expect(mail.from).toBe('noreply@pasargizi.test');
      expect(decodeHeader(mail.raw, 'X-PasarGizi-Delivery')).toBe(
        delivery('DEMAND_OPENED', `user.${userId[who]}`).id,
      );
      expect(delivery('DEMAND_OPENED', `user.${userId[who]}`)).toMatchObject({ status: 'SENT', attempts: 1 });
    }
    const english = {
      subject: decodeHeader(mailTo('sentul').raw, 'Subject')!,
      text: decodeTextBody(mailTo('sentul').raw),
    };
    const bahasa = {
      subject: decodeHeader(mailTo('turi').raw, 'Subject')!,
      text: decodeTextBody(mailTo('turi').raw),
    };
    expect(english.subject).toMatch(/^New demand: 2 kitchen\(s\)/);
    expect(english.text).toMatch(/^Kitchens in your market need .*Bidding closes/);
    expect(bahasa.subject).toMatch(/^Permintaan baru: 2 dapur/);
    expect(bahasa.text).toMatch(/^Dapur di pasar Anda membutuhkan .*Penawaran ditutup/);
    expect(english.subject).not.toBe(bahasa.subject);

    // 3. WhatsApp: exactly one Cloud API call, to Turi's phone, with the token; its own price only.
    expect(whatsapp.requests).toHaveLength(1);
    const [message] = whatsapp.requests as [RecordedRequest];
    expect(message).toMatchObject({ method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/messages` });
    expect(message.headers.authorization).toBe(`Bearer ${WHATSAPP_TOKEN}`);
    const sent = JSON.parse(message.body);
    expect(sent).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: TURI_PHONE,
      type: 'text',
      text: { preview_url: false, body: expect.stringMatching(/^\*Penawaran Anda menang \(1\)\*\n/) },
    });
    expect(sent.text.body).toMatch(TURI_PRICE);
    expect(delivery('OFFER_AWARDED', `user.${userId.turi}`)).toMatchObject({
      status: 'SENT',
      address: TURI_PHONE,
      provider_message_id: 'wamid.E2E-1',
    });

    // 5. Not others: each cooperative's outside messages carry its own price, never the other's;
    // Gedog (nothing configured) and the SMS gateway (nobody chose SMS) heard nothing.
    expect(award.body).toMatch(SENTUL_PRICE);
    for (const request of flakyHook.requests) expect(request.body).not.toMatch(TURI_PRICE);
    for (const text of [message.body, mailTo('turi').raw, english.text, bahasa.text])
      expect(text).not.toMatch(SENTUL_PRICE);
    expect(sms.requests).toHaveLength(0);
    expect(deliveries.filter((d) => d.recipient_key === `user.${userId.gedog}`)).toEqual([]);
    for (const text of everyOutsideRequest()) {
      expect(text).not.toContain(orgId.gedog);
      expect(text).not.toContain(LOGINS.gedog);
    }
    // Gedog did hear of the demand, in the app only.
    const [{ inApp }] = await db.query(
      `SELECT count(*)::int AS "inApp" FROM notification_delivery
        WHERE recipient_key = $1 AND channel = 'IN_APP' AND kind = 'DEMAND_OPENED'`,
      [`user.${userId.gedog}`],
    );
    expect(inApp).toBe(1);

    // 4. Exactly once across re-runs: the fan-out jobs and the send jobs run again (same job
    // ids, re-enqueued), and the services called directly: nothing more leaves, nothing changes.
    const sentBefore = everyOutsideRequest().length;
    const logBefore = await outsideDeliveries();
    const queue = system.worker!.get<Queue>(getQueueToken(NOTIFY_QUEUE));
    const events: { event_key: string }[] = await db.query(
      `SELECT DISTINCT event_key FROM notification_delivery ORDER BY event_key`,
    );
    const rerun = async (name: string, jobId: string, data: Record<string, unknown>) => {
      await queue.add(name, data, { jobId, removeOnComplete: false, attempts: 1 });
      return eventually(
        async () => {
          const job = await Job.fromId(queue, jobId);
          return job?.finishedOn
            ? { value: job.returnvalue as unknown, failed: job.failedReason }
            : undefined;
        },
        60_000,
        100,
      );
    };
    for (const { event_key } of events) {
      const dot = event_key.indexOf('.');
      const [kind, subjectId] = [event_key.slice(0, dot), event_key.slice(dot + 1)];
      const again = await rerun(JOB_FAN_OUT_NOTIFICATION, jobIds.fanOutNotification(kind, subjectId), {
        v: 1,
        kind,
        subjectId,
      });
      expect({ event_key, ...again }).toEqual({
        event_key,
        value: { stored: 0, deliveries: 0 },
        failed: undefined,
      });
      expect(await system.worker!.get(NotificationFanOutService).fanOut(kind, subjectId)).toEqual({
        stored: 0,
        deliveries: 0,
      });
    }
    const sender = system.worker!.get(NotificationDeliveryService);
    for (const { id } of logBefore) {
      const again = await rerun(JOB_SEND_NOTIFICATION, jobIds.sendNotification(id), { v: 1, deliveryId: id });
      expect(again).toEqual({ value: 'SKIPPED', failed: undefined });
      expect(await sender.send(id, true)).toBe('SKIPPED');
    }
    await quiet();
    expect(everyOutsideRequest()).toHaveLength(sentBefore);
    expect(await outsideDeliveries()).toEqual(logBefore);
  }, 300_000);
});

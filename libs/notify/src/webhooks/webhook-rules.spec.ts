import { randomBytes } from 'node:crypto';
import { DomainError } from '../../../core/src/domain-error.js';
import { newWebhookSecret, WebhookSecretBox } from './webhook-secret-box.js';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';
import { checkWebhookUrl } from './webhook-url.js';

describe('webhook secrets at rest', () => {
  it('open what they seal, under the same key only, and never store the secret in clear', () => {
    const key = randomBytes(32);
    const box = new WebhookSecretBox(key);
    const secret = newWebhookSecret();
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(secret.slice(6));
    expect(box.seal(secret)).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed)).toBe(secret);
    expect(() => new WebhookSecretBox(randomBytes(32)).open(sealed)).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
  });
});

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of the body bytes (RFC 4231 test case 2)', () => {
    expect(signWebhookBody('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(
      verifyWebhookSignature(
        Buffer.from('what do ya want for nothing?'),
        'Jefe',
        '5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843',
      ),
    ).toBe(true);
    expect(verifyWebhookSignature('what do ya want for nothing?', 'Jefe', 'sha256=5bdc')).toBe(false);
  });
});

describe('where a webhook may point', () => {
  const refused = (url: string, production: boolean) => {
    try {
      checkWebhookUrl(url, production);
    } catch (error) {
      return error instanceof DomainError && error.code === 'BAD_USER_INPUT';
    }
    return false;
  };

  it('in production: https to a public host only', () => {
    expect(checkWebhookUrl(' https://hooks.example.id/pg#x ', true)).toBe('https://hooks.example.id/pg');
    for (const url of [
      'http://hooks.example.id/pg',
      'https://localhost/x',
      'https://api.localhost/x',
      'https://127.0.0.1/x',
      'https://10.0.0.8/x',
      'https://172.20.1.1/x',
      'https://192.168.1.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://metadata.google.internal/x',
    ]) {
      expect({ url, refused: refused(url, true) }).toEqual({ url, refused: true });
    }
  });

  it('in development and test: http and loopback too, never another scheme or credentials', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', false)).toBe('http://127.0.0.1:8080/hook');
    for (const url of [
      '',
      'hooks.example.id',
      'ftp://example.id/x',
      'javascript:alert(1)',
      'https://a:b@example.id/',
    ]) {
      expect({ url, refused: refused(url, false) }).toEqual({ url, refused: true });
    }
  });
});

import { isIP } from 'node:net';
import { DomainError } from '../../../core/src/domain-error.js';

const MAX_URL_LENGTH = 2000;

/**
 * Where a webhook may point. Production: https only, and never at this machine or a private
 * network by address (a registered webhook must not make the worker probe the inside of the
 * deployment). Development and test: http too, and loopback, so a receiver on a laptop or a
 * test's fake server works. Names are not resolved here: DNS can change after registration.
 */
export function checkWebhookUrl(raw: string, production: boolean): string {
  const refuse = (en: string, id: string) => DomainError.badInput(en, id, { field: 'url' });
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_URL_LENGTH) {
    throw refuse(
      `The webhook URL must be 1 to ${MAX_URL_LENGTH} characters`,
      `URL webhook harus 1 sampai ${MAX_URL_LENGTH} karakter`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('The webhook URL is not a valid URL', 'URL webhook tidak sah');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse('The webhook URL must be http(s)', 'URL webhook harus http(s)');
  }
  if (production && url.protocol !== 'https:') {
    throw refuse('The webhook URL must use https', 'URL webhook harus memakai https');
  }
  if (url.username || url.password) {
    throw refuse(
      'The webhook URL must not carry a user name or password',
      'URL webhook tidak boleh memuat nama pengguna atau kata sandi',
    );
  }
  if (production && isInternalHost(url.hostname)) {
    throw refuse('The webhook URL must point at a public host', 'URL webhook harus menuju host publik');
  }
  url.hash = '';
  return url.toString();
}

function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (version === 6) {
    return (
      host === '::1' ||
      host === '::' ||
      /^f[cd]/.test(host) ||
      /^fe[89ab]/.test(host) ||
      host.startsWith('::ffff:')
    );
  }
  return false;
}

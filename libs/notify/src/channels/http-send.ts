import type { DeliveryOutcome } from './channel-adapter.js';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * One POST with a deadline, told as a DeliveryOutcome: 2xx is sent; 429, 5xx, a timeout or a
 * connection failure may succeed later (retryable); any other status never will (a 3xx too:
 * redirects are not followed, a webhook must name its real address).
 */
export async function postWithDeadline(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  onSuccess: (answer: HttpAnswer) => DeliveryOutcome = () => ({ ok: true }),
): Promise<DeliveryOutcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, retryable: true, error: `No answer within ${timeoutMs} ms` };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      retryable: true,
      error: `Connection failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    };
  }
  if (response.status >= 200 && response.status < 300)
    return onSuccess({ status: response.status, body: text });
  const retryable = response.status === 429 || response.status >= 500;
  return { ok: false, retryable, error: `HTTP ${response.status}: ${text.slice(0, 300)}` };
}

/** A JSON answer, or null when it is not JSON (a gateway may answer text). */
export function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

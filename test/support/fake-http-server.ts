import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake server received it; `body` is the exact bytes, as text. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the server answers the next request: a status and body, optionally after a delay. */
export interface ScriptedResponse {
  status: number;
  body?: string | Record<string, unknown>;
  /** Answer this late (longer than the client's timeout = a timeout). */
  delayMs?: number;
}

/**
 * A real HTTP server on an ephemeral loopback port standing in for an outside service (a
 * webhook receiver, the WhatsApp Cloud API, an SMS gateway): it records every request and
 * answers from a script, then with `fallback` (200 by default).
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly script: ScriptedResponse[] = [];
  private readonly pending = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private fallback: ScriptedResponse,
  ) {}

  static async start(
    fallback: ScriptedResponse = { status: 200, body: { ok: true } },
  ): Promise<FakeHttpServer> {
    const ref: { fake?: FakeHttpServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => ref.fake!.answer(req.method ?? 'GET', req.url ?? '/', req.headers, chunks, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.fake = new FakeHttpServer(server, `http://127.0.0.1:${port}`, fallback);
    return ref.fake;
  }

  /** The next requests are answered with these, in order. */
  respondWith(...responses: ScriptedResponse[]): this {
    this.script.push(...responses);
    return this;
  }

  /** Every request after the script runs out is answered with this. */
  otherwise(response: ScriptedResponse): this {
    this.fallback = response;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    chunks: Buffer[],
    res: import('node:http').ServerResponse,
  ): void {
    this.requests.push({ method, path, headers, body: Buffer.concat(chunks).toString('utf8') });
    const response = this.script.shift() ?? this.fallback;
    const send = () => {
      if (res.destroyed) return;
      const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
      res.writeHead(response.status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (!response.delayMs) return send();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      send();
    }, response.delayMs);
    this.pending.add(timer);
  }
}

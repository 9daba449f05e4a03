import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createApiApp } from '../../apps/api/src/api.app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { loadConfig, type AppConfig } from '../../libs/core/src/app-config.js';
import { createDatabaseFromTemplate, TEST_DEMO_PASSWORD } from './test-database.js';

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [key: string]: unknown } }[];
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

/**
 * The real system for one e2e file: its own database (cloned from the seeded template), its
 * own BullMQ queue prefix on the real Redis, the API on a random port and the worker, both
 * in this process. Tests talk to it only through HTTP GraphQL, as a client would.
 */
export class TestSystem {
  private constructor(
    readonly url: string,
    readonly config: AppConfig,
    readonly api: INestApplication,
    readonly worker: INestApplicationContext | null,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  /**
   * `production: true` boots the API as production runs it (NODE_ENV=production: no
   * introspection, no GraphiQL) with an explicit 40-character JWT_SECRET, DATABASE_URL and REDIS_URL.
   */
  static async start(
    options: { worker?: boolean; production?: boolean; env?: Record<string, string> } = {},
  ): Promise<TestSystem> {
    const database = await createDatabaseFromTemplate();
    const config = loadConfig({
      ...process.env,
      NODE_ENV: options.production ? 'production' : 'test',
      DATABASE_URL: database.url,
      QUEUE_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
      OUTBOX_POLL_MS: '25',
      PORT: '3000',
      ...(options.production
        ? {
            JWT_SECRET: randomBytes(20).toString('hex'),
            REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
          }
        : {}),
      ...options.env,
    });
    const logger = Boolean(process.env.E2E_LOG);
    const api = await createApiApp(config, { logger });
    await api.listen(0, '127.0.0.1');
    const address = api.getHttpServer().address() as { port: number };
    const worker = options.worker === false ? null : await createWorkerApp(config, { logger });
    return new TestSystem(`http://127.0.0.1:${address.port}/graphql`, config, api, worker, database.drop);
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.api.close();
    await this.dropDatabase();
  }

  async request<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<GraphQLResult<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResult<T>;
  }

  /** Runs a query that must succeed and returns its data. */
  async ok<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<T> {
    const result = await this.request<T>(query, variables, options);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 1)}`);
    return result.data as T;
  }

  async login(email: string, password = TEST_DEMO_PASSWORD): Promise<string> {
    const data = await this.ok<{ login: { accessToken: string } }>(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
      { input: { email, password } },
    );
    return data.login.accessToken;
  }
}

/** The error code of the first error, for concise assertions. */
export function errorCode(result: GraphQLResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** Local date n days from today (UTC is close enough for test delivery dates). */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function secondsFromNow(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

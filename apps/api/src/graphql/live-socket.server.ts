import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { Request } from 'express';
import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CatalogService } from '../../../../libs/catalog/src/catalog.service.js';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { IdentityService, type Session } from '../../../../libs/identity/src/identity.service.js';
import { DemandService } from '../../../../libs/market/src/demand.service.js';
import { EvaluationReadService } from '../../../../libs/market/src/evaluation-read.service.js';
import { OfferService } from '../../../../libs/market/src/offer.service.js';
import { StockLotService } from '../../../../libs/market/src/stock-lot.service.js';
import { graphqlRequests } from '../../../../libs/observability/src/metrics.js';
import { OrdersService } from '../../../../libs/orders/src/orders.service.js';
import { SettlementService } from '../../../../libs/settlement/src/settlement.service.js';
import { TradeService } from '../../../../libs/trade/src/trade.service.js';
import type { GqlContext } from './context.js';
import { formatGraphQLError } from './error-formatter.js';
import { checkVariables, hostileLiteralsRule } from './input-guard.js';
import { createLoaders } from './loaders.js';
import { MAX_QUERY_TOKENS, queryLimitsRule } from './query-limits.rule.js';

export const LIVE_PATH = '/graphql';
/** Largest message a client may send (a subscription document is small). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** Subscriptions one socket may hold at once. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
/** How often an open socket's token is checked again (sign-out, password change, deactivation, expiry). */
const SESSION_CHECK_MS = 60_000;
/** On shutdown, how long sockets get to finish their close handshake before they are cut. */
const CLOSE_GRACE_MS = 1000;

const CLOSE_UNAUTHORIZED = 4401;
const UNAUTHORIZED_REASON = 'Unauthorized: send connection_init { authorization: "Bearer <token>" }';
const INVALID_TOKEN_REASON =
  'Unauthorized: the token is expired, revoked or its user deactivated; sign in again';

type Extra = Record<PropertyKey, unknown> & {
  socket: WebSocket;
  request: IncomingMessage;
  session?: Session;
  token?: string;
  locale?: 'en' | 'id';
};
type LiveContext = Context<Record<string, unknown> | undefined, Extra>;

/**
 * GraphQL subscriptions over graphql-ws on the API's own HTTP server, at /graphql. The HTTP
 * rules hold here too: the token in connection_init is checked as a Bearer header is (a bad
 * one closes the socket with 4401 and the reason), the same parse limit, validation rules
 * (depth, cost, root fields, hostile literals and variables) and error formatter, in the
 * connection's language. Only subscriptions travel over the socket: queries and mutations
 * go over HTTP, where idempotency and the suspension rule live. No ambient credential (no
 * cookie) is ever read, so a cross-site page cannot act as the user; a foreign Origin is
 * refused anyway, as the HTTP API has no CORS.
 */
@Injectable()
export class LiveSocketServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveSocketServer');
  private wss: WebSocketServer | null = null;
  private server: Server | null = null;
  private disposable: { dispose(): void | Promise<void> } | null = null;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(request, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly identity: IdentityService,
    private readonly catalog: CatalogService,
    private readonly demands: DemandService,
    private readonly offers: OfferService,
    private readonly stockLots: StockLotService,
    private readonly orders: OrdersService,
    private readonly evaluations: EvaluationReadService,
    private readonly trade: TradeService,
    private readonly settlement: SettlementService,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    this.disposable = useServer<Record<string, unknown> | undefined, Extra>(
      {
        schema: this.schemaHost.schema,
        onConnect: (ctx) => this.connect(ctx),
        onSubscribe: (ctx, id, payload) => this.prepare(ctx, payload),
        onNext: (ctx, _id, _payload, _args, result) => ({
          ...result,
          errors: result.errors ? this.format(ctx, result.errors) : undefined,
        }),
        onError: (ctx, _id, _payload, errors) => this.format(ctx, errors),
      },
      this.wss,
    );
    this.server.on('upgrade', this.onUpgrade);
  }

  async onModuleDestroy(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
    const wss = this.wss;
    if (!wss) return;
    const open = [...wss.clients];
    const closed = Promise.all(
      open.map(
        (client) =>
          new Promise<void>((resolve) =>
            client.readyState === client.CLOSED ? resolve() : client.once('close', () => resolve()),
          ),
      ),
    );
    for (const client of open) client.close(1001, 'Server shutting down');
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    for (const client of wss.clients) client.terminate();
    await this.disposable?.dispose();
    this.wss = null;
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== LIVE_PATH || !this.wss) return refuse(socket, 404, 'Not Found');
    if (!sameOrigin(request)) return refuse(socket, 403, 'Forbidden');
    const wss = this.wss;
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  }

  private async connect(ctx: LiveContext): Promise<boolean> {
    const { socket, request } = ctx.extra;
    const params = ctx.connectionParams ?? {};
    const language =
      typeof params['language'] === 'string' ? params['language'] : request.headers['accept-language'];
    ctx.extra.locale = /^id\b/i.test(language ?? '') ? 'id' : 'en';
    const header = params['authorization'];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    if (!token) {
      socket.close(CLOSE_UNAUTHORIZED, UNAUTHORIZED_REASON);
      return false;
    }
    const session = await this.identity.authenticate(token);
    if (!session) {
      socket.close(CLOSE_UNAUTHORIZED, INVALID_TOKEN_REASON);
      return false;
    }
    ctx.extra.session = session;
    ctx.extra.token = token;
    // A token ended later (sign-out elsewhere, password change, deactivation, expiry) ends the socket too.
    const recheck = setInterval(() => {
      this.identity.authenticate(token).then(
        (current) => {
          if (!current) socket.close(CLOSE_UNAUTHORIZED, INVALID_TOKEN_REASON);
          else ctx.extra.session = current;
        },
        (error: Error) => this.logger.warn(`Session re-check failed: ${error.message}`),
      );
    }, SESSION_CHECK_MS);
    recheck.unref();
    socket.once('close', () => clearInterval(recheck));
    return true;
  }

  /** Parse, validate and authorise as an HTTP request is; returns errors or what to execute. */
  private prepare(
    ctx: LiveContext,
    payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
  ): ExecutionArgs | readonly GraphQLError[] {
    const schema = this.schemaHost.schema;
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return [asGraphQLError(tooManySubscriptions())];
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
    } catch (error) {
      return [withCode(asGraphQLError(error), 'GRAPHQL_PARSE_FAILED')];
    }
    const errors = validate(schema, document, [...specifiedRules, queryLimitsRule, hostileLiteralsRule]);
    if (errors.length > 0) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    if (!operation || operation.operation !== 'subscription') {
      return [asGraphQLError(subscriptionsOnly())];
    }
    try {
      checkVariables(payload.variables ?? {});
    } catch (error) {
      return [asGraphQLError(error)];
    }
    const first = operation.selectionSet.selections[0];
    const field = first?.kind === 'Field' ? first.name.value : 'fragment';
    graphqlRequests.inc({ operation: `subscription:${field}`, outcome: 'ok' });
    return {
      schema,
      document,
      variableValues: payload.variables ?? undefined,
      operationName: payload.operationName ?? undefined,
      contextValue: this.contextOf(ctx),
    };
  }

  private contextOf(ctx: LiveContext): GqlContext {
    const actor = ctx.extra.session?.actor ?? null;
    const viewer: GqlContext['viewer'] = { actor };
    return {
      req: ctx.extra.request as unknown as Request,
      token: ctx.extra.token ?? null,
      actor,
      viewer,
      organizationSuspended: ctx.extra.session?.organizationSuspended ?? false,
      loaders: createLoaders(
        {
          identity: this.identity,
          catalog: this.catalog,
          demands: this.demands,
          offers: this.offers,
          stockLots: this.stockLots,
          orders: this.orders,
          evaluations: this.evaluations,
          trade: this.trade,
          settlement: this.settlement,
        },
        () => viewer.actor,
      ),
      locale: ctx.extra.locale ?? 'en',
    };
  }

  private format(ctx: LiveContext, errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return errors.map((error) => {
      const formatted = formatGraphQLError(error.toJSON(), error);
      const messages = formatted.extensions?.['messages'] as { id?: string } | undefined;
      return ctx.extra.locale === 'id' && messages?.id ? { ...formatted, message: messages.id } : formatted;
    });
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** No Origin (not a browser) or the page's own host (directly or through a proxy). */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = request.headers['x-forwarded-host'];
  const hosts = [request.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])];
  return hosts.some((candidate) => candidate?.split(',')[0]?.trim() === host);
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const original = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(original.message, { originalError: original });
}

/** Apollo labels validation errors with a code; do the same so the formatter treats them alike. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError ?? error,
    extensions: { ...error.extensions, code: error.extensions['code'] ?? code },
  });
}

function subscriptionsOnly(): DomainError {
  return DomainError.badInput(
    'Only subscriptions travel over the WebSocket; send queries and mutations over HTTP POST /graphql',
    'Hanya langganan (subscription) yang lewat WebSocket; kirim kueri dan mutasi lewat HTTP POST /graphql',
  );
}

function tooManySubscriptions(): DomainError {
  return DomainError.badInput(
    `At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection`,
    `Paling banyak ${MAX_SUBSCRIPTIONS_PER_SOCKET} langganan per koneksi`,
  );
}

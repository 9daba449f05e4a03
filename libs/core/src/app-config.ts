import 'reflect-metadata';
import { createHash, hkdfSync } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** The environment as the process receives it; every variable is documented in README.md. */
class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, {
    message: "REDIS_CLUSTER_NODES must be host:port[,host:port…] (the cluster's seed nodes)",
  })
  REDIS_CLUSTER_NODES?: string;

  @IsInt({ message: 'MARKET_QUEUE_GROUPS must be a whole number' })
  @Min(1, { message: 'MARKET_QUEUE_GROUPS must be between 1 and 64' })
  @Max(64, { message: 'MARKET_QUEUE_GROUPS must be between 1 and 64' })
  MARKET_QUEUE_GROUPS = 1;

  @IsOptional()
  @Matches(/^\d{1,2}(,\d{1,2})*$/, {
    message: 'WORKER_MARKET_GROUPS must be a comma-separated list of group numbers (e.g. 0,2)',
  })
  WORKER_MARKET_GROUPS?: string;

  @IsInt({ message: 'PORT must be a whole number' })
  @Min(1, { message: 'PORT must be between 1 and 65535' })
  @Max(65535, { message: 'PORT must be between 1 and 65535' })
  PORT = 3000;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'SEED_PASSWORD must be at least 8 characters' })
  SEED_PASSWORD?: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'QUEUE_PREFIX may use a-z, 0-9 and - (at most 40)' })
  QUEUE_PREFIX = 'pasar-gizi';

  // OCDS: an OCID prefix is "ocds-" and 6 letters/digits when registered; we allow any such slug.
  @Matches(/^ocds-[a-z0-9]{1,40}$/, { message: 'OCDS_OCID_PREFIX must be ocds- and up to 40 of a-z, 0-9' })
  OCDS_OCID_PREFIX = 'ocds-pasargizi';

  @IsInt({ message: 'OUTBOX_POLL_MS must be a whole number' })
  @Min(10, { message: 'OUTBOX_POLL_MS must be at least 10' })
  @Max(60000, { message: 'OUTBOX_POLL_MS must be at most 60000' })
  OUTBOX_POLL_MS = 100;

  @IsInt({ message: 'WORKER_CONCURRENCY must be a whole number' })
  @Min(1, { message: 'WORKER_CONCURRENCY must be at least 1' })
  @Max(64, { message: 'WORKER_CONCURRENCY must be at most 64' })
  WORKER_CONCURRENCY = 4;

  @IsInt({ message: 'DATABASE_POOL_SIZE must be a whole number' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be at least 1' })
  @Max(500, { message: 'DATABASE_POOL_SIZE must be at most 500' })
  DATABASE_POOL_SIZE = 20;

  /** 'false' behind a pooler that cannot keep protocol-level prepared statements per client. */
  @IsIn(['true', 'false'], { message: 'DATABASE_PREPARED_STATEMENTS must be true or false' })
  DATABASE_PREPARED_STATEMENTS = 'true';

  /** Tests only (chaos suite): the worker holds each evaluation open this long, to be killed mid-award. */
  @IsInt({ message: 'EVALUATION_PAUSE_MS must be a whole number' })
  @Min(0, { message: 'EVALUATION_PAUSE_MS must be at least 0' })
  @Max(600000, { message: 'EVALUATION_PAUSE_MS must be at most 600000' })
  EVALUATION_PAUSE_MS = 0;

  /** A new-demand digest waits this long for the other demands of the same close moment. */
  @IsInt({ message: 'NOTIFY_DIGEST_DELAY_MS must be a whole number' })
  @Min(0, { message: 'NOTIFY_DIGEST_DELAY_MS must be at least 0' })
  @Max(3600000, { message: 'NOTIFY_DIGEST_DELAY_MS must be at most 3600000' })
  NOTIFY_DIGEST_DELAY_MS = 60000;

  /** Tests only (chaos suite): the worker holds each notification fan-out open this long, to be killed. */
  @IsInt({ message: 'NOTIFY_FAN_OUT_PAUSE_MS must be a whole number' })
  @Min(0, { message: 'NOTIFY_FAN_OUT_PAUSE_MS must be at least 0' })
  @Max(600000, { message: 'NOTIFY_FAN_OUT_PAUSE_MS must be at most 600000' })
  NOTIFY_FAN_OUT_PAUSE_MS = 0;

  @IsInt({ message: 'DATABASE_STATEMENT_TIMEOUT_MS must be a whole number' })
  @Min(100, { message: 'DATABASE_STATEMENT_TIMEOUT_MS must be at least 100' })
  @Max(600000, { message: 'DATABASE_STATEMENT_TIMEOUT_MS must be at most 600000' })
  DATABASE_STATEMENT_TIMEOUT_MS = 15000;

  @IsInt({ message: 'DATABASE_LOCK_TIMEOUT_MS must be a whole number' })
  @Min(50, { message: 'DATABASE_LOCK_TIMEOUT_MS must be at least 50' })
  @Max(600000, { message: 'DATABASE_LOCK_TIMEOUT_MS must be at most 600000' })
  DATABASE_LOCK_TIMEOUT_MS = 5000;

  @IsInt({ message: 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS must be a whole number' })
  @Min(1000, { message: 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS must be at least 1000' })
  @Max(3600000, { message: 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS must be at most 3600000' })
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60000;

  @IsInt({ message: 'DATABASE_POOL_ACQUIRE_TIMEOUT_MS must be a whole number' })
  @Min(50, { message: 'DATABASE_POOL_ACQUIRE_TIMEOUT_MS must be at least 50' })
  @Max(600000, { message: 'DATABASE_POOL_ACQUIRE_TIMEOUT_MS must be at most 600000' })
  DATABASE_POOL_ACQUIRE_TIMEOUT_MS = 5000;

  @IsInt({ message: 'REDIS_COMMAND_TIMEOUT_MS must be a whole number' })
  @Min(50, { message: 'REDIS_COMMAND_TIMEOUT_MS must be at least 50' })
  @Max(60000, { message: 'REDIS_COMMAND_TIMEOUT_MS must be at most 60000' })
  REDIS_COMMAND_TIMEOUT_MS = 5000;

  @IsInt({ message: 'OUTBOX_LEASE_MS must be a whole number' })
  @Min(1000, { message: 'OUTBOX_LEASE_MS must be at least 1000' })
  @Max(3600000, { message: 'OUTBOX_LEASE_MS must be at most 3600000' })
  OUTBOX_LEASE_MS = 30000;

  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be a whole number' })
  @Min(100, { message: 'SHUTDOWN_TIMEOUT_MS must be at least 100' })
  @Max(10000, { message: 'SHUTDOWN_TIMEOUT_MS must be at most 10000' })
  SHUTDOWN_TIMEOUT_MS = 10000;

  @IsInt({ message: 'PRUNE_INTERVAL_MS must be a whole number' })
  @Min(100, { message: 'PRUNE_INTERVAL_MS must be at least 100' })
  @Max(86400000, { message: 'PRUNE_INTERVAL_MS must be at most 86400000' })
  PRUNE_INTERVAL_MS = 3600000;

  @IsInt({ message: 'WORKER_METRICS_PORT must be a whole number' })
  @Min(0, { message: 'WORKER_METRICS_PORT must be between 0 and 65535' })
  @Max(65535, { message: 'WORKER_METRICS_PORT must be between 0 and 65535' })
  WORKER_METRICS_PORT = 0;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL?: LogLevel;
  @IsInt({ message: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be a whole number' })
  @Min(1, { message: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be at least 1' })
  @Max(1000, { message: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be at most 1000' })
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  @IsInt({ message: 'LOGIN_MAX_FAILURES_PER_ADDRESS must be a whole number' })
  @Min(1, { message: 'LOGIN_MAX_FAILURES_PER_ADDRESS must be at least 1' })
  @Max(100000, { message: 'LOGIN_MAX_FAILURES_PER_ADDRESS must be at most 100000' })
  LOGIN_MAX_FAILURES_PER_ADDRESS = 20;

  @IsInt({ message: 'LOGIN_FAILURE_WINDOW_SECONDS must be a whole number' })
  @Min(10, { message: 'LOGIN_FAILURE_WINDOW_SECONDS must be at least 10' })
  @Max(86400, { message: 'LOGIN_FAILURE_WINDOW_SECONDS must be at most 86400' })
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  @IsInt({ message: 'LOGIN_MAX_BLOCK_SECONDS must be a whole number' })
  @Min(1, { message: 'LOGIN_MAX_BLOCK_SECONDS must be at least 1' })
  @Max(3600, { message: 'LOGIN_MAX_BLOCK_SECONDS must be at most 3600' })
  LOGIN_MAX_BLOCK_SECONDS = 300;

  @IsString()
  @Matches(/^(false|true|loopback|linklocal|uniquelocal|\d{1,2}|[0-9a-fA-F.:/]+(, *[0-9a-fA-F.:/]+)*)$/, {
    message:
      'TRUST_PROXY must be false, true, a hop count, loopback/linklocal/uniquelocal or a list of addresses',
  })
  TRUST_PROXY = 'false';

  // Notification channels (README "Notification channels"): each is off until configured.
  @IsInt({ message: 'CHANNEL_TIMEOUT_MS must be a whole number' })
  @Min(100, { message: 'CHANNEL_TIMEOUT_MS must be at least 100' })
  @Max(120000, { message: 'CHANNEL_TIMEOUT_MS must be at most 120000' })
  CHANNEL_TIMEOUT_MS = 10000;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'WEBHOOK_SECRET_KEY must be at least 32 characters' })
  WEBHOOK_SECRET_KEY?: string;

  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, {
    message: 'WHATSAPP_API_URL must be an http(s):// URL, e.g. https://graph.facebook.com/v21.0',
  })
  WHATSAPP_API_URL = 'https://graph.facebook.com/v21.0';

  @IsOptional()
  @Matches(/^\d{1,30}$/, { message: 'WHATSAPP_PHONE_NUMBER_ID must be the numeric phone number id' })
  WHATSAPP_PHONE_NUMBER_ID?: string;

  @IsOptional()
  @IsString()
  @Matches(/^\S{8,}$/, { message: 'WHATSAPP_TOKEN must be at least 8 characters without spaces' })
  WHATSAPP_TOKEN?: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'SMS_GATEWAY_URL must be an http(s):// URL' })
  SMS_GATEWAY_URL?: string;

  @IsOptional()
  @IsString()
  @Matches(/^\S{8,}$/, { message: 'SMS_GATEWAY_TOKEN must be at least 8 characters without spaces' })
  SMS_GATEWAY_TOKEN?: string;

  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @Matches(/^([^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, {
    message: 'EMAIL_FROM must be an address, e.g. "Pasar Gizi <noreply@pasargizi.id>"',
  })
  EMAIL_FROM?: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  production: boolean;
  databaseUrl: string;
  redisUrl: string;
  /**
   * Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); null: the single Redis of REDIS_URL.
   * On a cluster REDIS_URL still gives the credentials and TLS (its host is not used).
   */
  redisClusterNodes: { host: string; port: number }[] | null;
  /** How many market queues (market, market-1, …); a market's jobs go to one by its regency code. */
  marketQueueGroups: number;
  /** The market queue groups this worker consumes (all of them unless WORKER_MARKET_GROUPS says). */
  workerMarketGroups: number[];
  port: number;
  jwtSecret: string;
  /** Password of the demo users; absent in production, where no demo data is seeded. */
  seedPassword: string | null;
  queuePrefix: string;
  /** Prefix of every OCID in the open-data feed; stable, so releases keep their ids. */
  ocdsOcidPrefix: string;
  outboxPollMs: number;
  workerConcurrency: number;
  /** Postgres connections of one API process (a worker uses at most 10). */
  databasePoolSize: number;
  /** Hot statements are named, so each connection parses and plans them once (issue 12). */
  databasePreparedStatements: boolean;
  /** Tests only: how long the worker pauses inside each evaluation (0 = never). */
  evaluationPauseMs: number;
  /** How long a new-demand digest gathers the demands of its close moment. */
  notifyDigestDelayMs: number;
  /** Tests only: how long the worker pauses inside each notification fan-out (0 = never). */
  notifyFanOutPauseMs: number;
  /** Per connection: longest statement, longest wait for a lock, longest idle open transaction. */
  databaseStatementTimeoutMs: number;
  databaseLockTimeoutMs: number;
  databaseIdleInTransactionTimeoutMs: number;
  /** Longest wait for a free pooled connection before the request fails (retryable). */
  databasePoolAcquireTimeoutMs: number;
  /** Longest wait for Redis on the outbox relay and health paths. */
  redisCommandTimeoutMs: number;
  /** How long a relay owns the outbox rows it claimed; then another relay may take them. */
  outboxLeaseMs: number;
  /** After SIGTERM/SIGINT the process stops within this, else exits non-zero. */
  shutdownTimeoutMs: number;
  /** How often the worker prunes old idempotency records and published outbox rows. */
  pruneIntervalMs: number;
  /** Port of the worker's /metrics and /health/live (0: none). */
  workerMetricsPort: number;
  logLevel: LogLevel;
  loginThrottle: LoginThrottleConfig;
  /** Express "trust proxy": which proxies' X-Forwarded-For names the client address. */
  trustProxy: boolean | number | string;
  channels: ChannelsConfig;
}

/** The outside notification channels; a channel that is null is off (no deliveries for it). */
export interface ChannelsConfig {
  /** Longest wait for one send (HTTP request or SMTP conversation). */
  timeoutMs: number;
  /** 32 bytes that encrypt webhook secrets at rest (WEBHOOK_SECRET_KEY, else derived from JWT_SECRET). */
  webhookSecretKey: Buffer;
  whatsapp: { apiUrl: string; phoneNumberId: string; token: string } | null;
  sms: { url: string; token: string | null } | null;
  email: { smtpUrl: string; from: string } | null;
}

export interface LoginThrottleConfig {
  /** Failed logins to one account from one address before that address waits (1 s, 2 s, 4 s…). */
  maxFailuresPerAccount: number;
  /** Failed logins from one address, any account, before the address waits out the window. */
  maxFailuresPerAddress: number;
  windowSeconds: number;
  /** The longest an address waits for one account. */
  maxBlockSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const DEVELOPMENT_DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/pasar_gizi',
  redisUrl: 'redis://127.0.0.1:6379',
  jwtSecret: 'development-only-secret-never-use-in-production',
  seedPassword: 'pasargizi-demo',
} as const;

const NUMERIC = [
  'PORT',
  'MARKET_QUEUE_GROUPS',
  'OUTBOX_POLL_MS',
  'WORKER_CONCURRENCY',
  'DATABASE_POOL_SIZE',
  'EVALUATION_PAUSE_MS',
  'NOTIFY_DIGEST_DELAY_MS',
  'NOTIFY_FAN_OUT_PAUSE_MS',
  'DATABASE_STATEMENT_TIMEOUT_MS',
  'DATABASE_LOCK_TIMEOUT_MS',
  'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  'DATABASE_POOL_ACQUIRE_TIMEOUT_MS',
  'REDIS_COMMAND_TIMEOUT_MS',
  'OUTBOX_LEASE_MS',
  'SHUTDOWN_TIMEOUT_MS',
  'PRUNE_INTERVAL_MS',
  'WORKER_METRICS_PORT',
  'LOGIN_MAX_FAILURES_PER_ACCOUNT',
  'LOGIN_MAX_FAILURES_PER_ADDRESS',
  'LOGIN_FAILURE_WINDOW_SECONDS',
  'LOGIN_MAX_BLOCK_SECONDS',
  'CHANNEL_TIMEOUT_MS',
] as const;

/** Validates the environment into a typed object; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    raw[key] = (NUMERIC as readonly string[]).includes(key) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const vars = plainToInstance(EnvironmentVariables, raw, { excludeExtraneousValues: false });
  // A set: two constraints of one variable may share a message (PORT's Min and Max).
  const problems = [
    ...new Set(
      validateSync(vars, { skipMissingProperties: false }).flatMap((error) =>
        Object.values(error.constraints ?? {}).map((message) =>
          message.startsWith(error.property) ? message : `${error.property}: ${message}`,
        ),
      ),
    ),
  ];
  const production = vars.NODE_ENV === 'production';
  if (production) {
    if (!vars.DATABASE_URL) problems.push('DATABASE_URL is required in production');
    if (!vars.REDIS_URL && !vars.REDIS_CLUSTER_NODES)
      problems.push('REDIS_URL (or REDIS_CLUSTER_NODES) is required in production');
    if (!vars.JWT_SECRET) problems.push('JWT_SECRET is required in production (at least 32 characters)');
    else if (vars.JWT_SECRET === DEVELOPMENT_DEFAULTS.jwtSecret)
      problems.push('JWT_SECRET must not be the development default in production');
  }
  if (vars.EVALUATION_PAUSE_MS > 0 && vars.NODE_ENV !== 'test')
    problems.push('EVALUATION_PAUSE_MS is for tests only (NODE_ENV=test)');
  if (vars.NOTIFY_FAN_OUT_PAUSE_MS > 0 && vars.NODE_ENV !== 'test')
    problems.push('NOTIFY_FAN_OUT_PAUSE_MS is for tests only (NODE_ENV=test)');
  if (problems.length === 0 && vars.DATABASE_LOCK_TIMEOUT_MS > vars.DATABASE_STATEMENT_TIMEOUT_MS)
    problems.push('DATABASE_LOCK_TIMEOUT_MS must not exceed DATABASE_STATEMENT_TIMEOUT_MS');
  if (Boolean(vars.WHATSAPP_PHONE_NUMBER_ID) !== Boolean(vars.WHATSAPP_TOKEN))
    problems.push('WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_TOKEN go together: set both or neither');
  if (vars.SMS_GATEWAY_TOKEN && !vars.SMS_GATEWAY_URL)
    problems.push('SMS_GATEWAY_TOKEN needs SMS_GATEWAY_URL');
  if (vars.SMTP_URL && !vars.EMAIL_FROM) problems.push('SMTP_URL needs EMAIL_FROM (the sender address)');
  if (vars.EMAIL_FROM && !vars.SMTP_URL) problems.push('EMAIL_FROM needs SMTP_URL');
  const workerMarketGroups = vars.WORKER_MARKET_GROUPS
    ? [...new Set(vars.WORKER_MARKET_GROUPS.split(',').map(Number))].sort((a, b) => a - b)
    : Array.from({ length: vars.MARKET_QUEUE_GROUPS }, (_, group) => group);
  if (problems.length === 0 && workerMarketGroups.some((group) => group >= vars.MARKET_QUEUE_GROUPS))
    problems.push(
      `WORKER_MARKET_GROUPS must name groups 0 to ${vars.MARKET_QUEUE_GROUPS - 1} (MARKET_QUEUE_GROUPS is ${vars.MARKET_QUEUE_GROUPS})`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  const jwtSecret = vars.JWT_SECRET ?? DEVELOPMENT_DEFAULTS.jwtSecret;
  return {
    env: vars.NODE_ENV,
    production,
    databaseUrl: vars.DATABASE_URL ?? DEVELOPMENT_DEFAULTS.databaseUrl,
    redisUrl: vars.REDIS_URL ?? DEVELOPMENT_DEFAULTS.redisUrl,
    redisClusterNodes: vars.REDIS_CLUSTER_NODES
      ? vars.REDIS_CLUSTER_NODES.split(',').map((node) => {
          const at = node.lastIndexOf(':');
          return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
        })
      : null,
    marketQueueGroups: vars.MARKET_QUEUE_GROUPS,
    workerMarketGroups,
    port: vars.PORT,
    jwtSecret,
    seedPassword: vars.SEED_PASSWORD ?? (production ? null : DEVELOPMENT_DEFAULTS.seedPassword),
    queuePrefix: vars.QUEUE_PREFIX,
    ocdsOcidPrefix: vars.OCDS_OCID_PREFIX,
    outboxPollMs: vars.OUTBOX_POLL_MS,
    workerConcurrency: vars.WORKER_CONCURRENCY,
    databasePoolSize: vars.DATABASE_POOL_SIZE,
    databasePreparedStatements: vars.DATABASE_PREPARED_STATEMENTS === 'true',
    evaluationPauseMs: vars.EVALUATION_PAUSE_MS,
    notifyDigestDelayMs: vars.NOTIFY_DIGEST_DELAY_MS,
    notifyFanOutPauseMs: vars.NOTIFY_FAN_OUT_PAUSE_MS,
    databaseStatementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseLockTimeoutMs: vars.DATABASE_LOCK_TIMEOUT_MS,
    databaseIdleInTransactionTimeoutMs: vars.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    databasePoolAcquireTimeoutMs: vars.DATABASE_POOL_ACQUIRE_TIMEOUT_MS,
    redisCommandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS,
    outboxLeaseMs: vars.OUTBOX_LEASE_MS,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    pruneIntervalMs: vars.PRUNE_INTERVAL_MS,
    workerMetricsPort: vars.WORKER_METRICS_PORT,
    // Tests keep quiet unless asked; everywhere else the default is info.
    logLevel: vars.LOG_LEVEL ?? (vars.NODE_ENV === 'test' ? 'warn' : 'info'),
    loginThrottle: {
      maxFailuresPerAccount: vars.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerAddress: vars.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: vars.LOGIN_FAILURE_WINDOW_SECONDS,
      maxBlockSeconds: vars.LOGIN_MAX_BLOCK_SECONDS,
    },
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    channels: {
      timeoutMs: vars.CHANNEL_TIMEOUT_MS,
      webhookSecretKey: webhookSecretKey(vars.WEBHOOK_SECRET_KEY, jwtSecret),
      whatsapp:
        vars.WHATSAPP_PHONE_NUMBER_ID && vars.WHATSAPP_TOKEN
          ? {
              apiUrl: vars.WHATSAPP_API_URL.replace(/\/+$/, ''),
              phoneNumberId: vars.WHATSAPP_PHONE_NUMBER_ID,
              token: vars.WHATSAPP_TOKEN,
            }
          : null,
      sms: vars.SMS_GATEWAY_URL ? { url: vars.SMS_GATEWAY_URL, token: vars.SMS_GATEWAY_TOKEN ?? null } : null,
      email: vars.SMTP_URL && vars.EMAIL_FROM ? { smtpUrl: vars.SMTP_URL, from: vars.EMAIL_FROM } : null,
    },
  };
}

/**
 * The key that encrypts webhook secrets at rest. Without WEBHOOK_SECRET_KEY it is derived from
 * JWT_SECRET (HKDF), so production needs no extra variable; rotating JWT_SECRET then makes the
 * stored secrets unreadable, which is why an operator who rotates it sets WEBHOOK_SECRET_KEY.
 */
function webhookSecretKey(configured: string | undefined, jwtSecret: string): Buffer {
  if (configured) return createHash('sha256').update(configured).digest();
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'pasar-gizi', 'webhook-secrets', 32));
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

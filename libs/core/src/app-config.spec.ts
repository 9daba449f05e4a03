import { ConfigError, DEVELOPMENT_DEFAULTS, loadConfig } from './app-config.js';

/** Loads, expecting a ConfigError, and returns its problems. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  let thrown: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return (thrown as ConfigError).problems;
}

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db:5432/pasar_gizi',
  REDIS_URL: 'redis://cache:6379',
  JWT_SECRET: 'x'.repeat(40),
};

describe('loadConfig', () => {
  it('accepts an empty environment with development defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      production: false,
      port: 3000,
      databaseUrl: DEVELOPMENT_DEFAULTS.databaseUrl,
      redisUrl: DEVELOPMENT_DEFAULTS.redisUrl,
      seedPassword: DEVELOPMENT_DEFAULTS.seedPassword,
    });
  });

  it('accepts a complete production environment, without a demo password', () => {
    const config = loadConfig({ ...PRODUCTION, PORT: '8080' });
    expect(config).toMatchObject({
      env: 'production',
      production: true,
      port: 8080,
      databaseUrl: PRODUCTION.DATABASE_URL,
      redisUrl: PRODUCTION.REDIS_URL,
      jwtSecret: PRODUCTION.JWT_SECRET,
      seedPassword: null,
    });
  });

  it('names a PORT that is not a number', () => {
    for (const port of ['abc', '3000abc', '1e3', '80.5']) {
      const problems = problemsOf({ PORT: port });
      expect(problems.some((p) => p.startsWith('PORT'))).toBe(true);
      expect(problems.every((p) => p.includes('PORT'))).toBe(true);
    }
  });

  it('reads the login throttle and TRUST_PROXY, and names bad values', () => {
    expect(loadConfig({}).loginThrottle).toEqual({
      maxFailuresPerAccount: 5,
      maxFailuresPerAddress: 20,
      windowSeconds: 900,
      maxBlockSeconds: 300,
    });
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(loadConfig({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' }).loginThrottle.maxFailuresPerAccount).toBe(3);
    expect(problemsOf({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '0' })).toEqual([
      'LOGIN_MAX_FAILURES_PER_ACCOUNT must be at least 1',
    ]);
    expect(problemsOf({ LOGIN_FAILURE_WINDOW_SECONDS: 'soon' })[0]).toMatch(/^LOGIN_FAILURE_WINDOW_SECONDS/);
    expect(problemsOf({ LOGIN_MAX_BLOCK_SECONDS: '99999' })).toEqual([
      'LOGIN_MAX_BLOCK_SECONDS must be at most 3600',
    ]);
    expect(problemsOf({ TRUST_PROXY: 'everyone; rm -rf' })[0]).toMatch(/^TRUST_PROXY/);
  });

  it('names hot statements by default, and takes DATABASE_PREPARED_STATEMENTS=false for a pooler', () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(false);
    expect(problemsOf({ DATABASE_PREPARED_STATEMENTS: 'no' })).toEqual([
      expect.stringContaining('DATABASE_PREPARED_STATEMENTS must be true or false'),
    ]);
  });

  it('names a PORT out of range', () => {
    expect(problemsOf({ PORT: '0' })).toEqual(['PORT must be between 1 and 65535']);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT must be between 1 and 65535']);
  });

  it('requires JWT_SECRET in production', () => {
    const problems = problemsOf({ ...PRODUCTION, JWT_SECRET: undefined });
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET is required in production/)]);
  });

  it('refuses a short JWT_SECRET, and the development default in production', () => {
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual([
      expect.stringMatching(/^JWT_SECRET .*32 characters/),
    ]);
    expect(problemsOf({ ...PRODUCTION, JWT_SECRET: DEVELOPMENT_DEFAULTS.jwtSecret })).toEqual([
      expect.stringMatching(/^JWT_SECRET must not be the development default/),
    ]);
  });

  it('names a REDIS_URL that is not a redis:// URL', () => {
    expect(problemsOf({ REDIS_URL: 'http://x' })).toEqual([
      expect.stringMatching(/^REDIS_URL must be a redis:\/\/ URL/),
    ]);
    expect(loadConfig({ REDIS_URL: 'rediss://secure:6380' }).redisUrl).toBe('rediss://secure:6380');
  });

  it('names every bad variable at once, in one error', () => {
    let thrown: unknown;
    try {
      loadConfig({
        NODE_ENV: 'production',
        PORT: 'abc',
        REDIS_URL: 'http://x',
        DATABASE_URL: 'mysql://db/x',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.name).toBe('ConfigError');
    expect(new Set(error.problems).size).toBe(error.problems.length);
    for (const variable of ['PORT', 'REDIS_URL', 'DATABASE_URL', 'JWT_SECRET']) {
      expect(error.problems.some((p) => p.startsWith(variable))).toBe(true);
      expect(error.message).toContain(variable);
    }
  });

  it('refuses an unknown NODE_ENV and a bad QUEUE_PREFIX', () => {
    expect(problemsOf({ NODE_ENV: 'staging' }).some((p) => p.startsWith('NODE_ENV'))).toBe(true);
    expect(problemsOf({ QUEUE_PREFIX: 'Has Spaces' }).some((p) => p.startsWith('QUEUE_PREFIX'))).toBe(true);
  });

  it('takes EVALUATION_PAUSE_MS (the chaos suite) only in tests', () => {
    expect(loadConfig({ NODE_ENV: 'test', EVALUATION_PAUSE_MS: '60000' }).evaluationPauseMs).toBe(60000);
    expect(loadConfig({}).evaluationPauseMs).toBe(0);
    expect(problemsOf({ ...PRODUCTION, EVALUATION_PAUSE_MS: '5' })).toEqual([
      'EVALUATION_PAUSE_MS is for tests only (NODE_ENV=test)',
    ]);
    expect(problemsOf({ NODE_ENV: 'test', EVALUATION_PAUSE_MS: '-1' })[0]).toMatch(/^EVALUATION_PAUSE_MS/);
  });

  it('has bounded database, Redis and shutdown timeouts by default, and quiet logs in tests', () => {
    expect(loadConfig({})).toMatchObject({
      databaseStatementTimeoutMs: 15000,
      databaseLockTimeoutMs: 5000,
      databaseIdleInTransactionTimeoutMs: 60000,
      databasePoolAcquireTimeoutMs: 5000,
      redisCommandTimeoutMs: 5000,
      outboxLeaseMs: 30000,
      shutdownTimeoutMs: 10000,
      logLevel: 'info',
    });
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('warn');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });

  it('names a bad timeout or log level, and a lock timeout above the statement timeout', () => {
    for (const variable of [
      'DATABASE_STATEMENT_TIMEOUT_MS',
      'DATABASE_LOCK_TIMEOUT_MS',
      'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      'DATABASE_POOL_ACQUIRE_TIMEOUT_MS',
      'REDIS_COMMAND_TIMEOUT_MS',
      'OUTBOX_LEASE_MS',
      'SHUTDOWN_TIMEOUT_MS',
      'PRUNE_INTERVAL_MS',
    ]) {
      for (const value of ['0', 'soon', '-5']) {
        expect(problemsOf({ [variable]: value }).some((p) => p.startsWith(variable))).toBe(true);
      }
    }
    // Shutdown is bounded at 10 s: a longer grace would defeat the point.
    expect(
      problemsOf({ SHUTDOWN_TIMEOUT_MS: '30000' }).some((p) => p.startsWith('SHUTDOWN_TIMEOUT_MS')),
    ).toBe(true);
    expect(problemsOf({ LOG_LEVEL: 'loud' }).some((p) => p.startsWith('LOG_LEVEL'))).toBe(true);
    expect(
      problemsOf({ DATABASE_STATEMENT_TIMEOUT_MS: '1000', DATABASE_LOCK_TIMEOUT_MS: '2000' }).some((p) =>
        p.startsWith('DATABASE_LOCK_TIMEOUT_MS'),
      ),
    ).toBe(true);
  });

  it('defaults the OCID prefix and refuses one that is not ocds-<a-z0-9>', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).ocdsOcidPrefix).toBe('ocds-pasargizi');
    expect(loadConfig({ NODE_ENV: 'test', OCDS_OCID_PREFIX: 'ocds-abc123' }).ocdsOcidPrefix).toBe(
      'ocds-abc123',
    );
    for (const bad of ['pasargizi', 'ocds-', 'ocds-Has Space']) {
      expect(problemsOf({ OCDS_OCID_PREFIX: bad }).some((p) => p.startsWith('OCDS_OCID_PREFIX'))).toBe(true);
    }
  });

  describe('notification channels', () => {
    it('are all off when unconfigured, with a webhook key derived from JWT_SECRET', () => {
      const { channels } = loadConfig({});
      expect(channels).toMatchObject({ timeoutMs: 10000, whatsapp: null, sms: null, email: null });
      expect(channels.webhookSecretKey).toHaveLength(32);
      const other = loadConfig({ ...PRODUCTION }).channels.webhookSecretKey;
      expect(other.equals(channels.webhookSecretKey)).toBe(false);
    });

    it('turn on when configured', () => {
      const { channels } = loadConfig({
        WHATSAPP_API_URL: 'http://127.0.0.1:9999/v21.0/',
        WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
        WHATSAPP_TOKEN: 'EAAG-token',
        SMS_GATEWAY_URL: 'https://sms.example.id/send',
        SMS_GATEWAY_TOKEN: 'sms-token-1',
        SMTP_URL: 'smtp://user:pass@mail.example.id:587',
        EMAIL_FROM: 'Pasar Gizi <noreply@pasargizi.id>',
        CHANNEL_TIMEOUT_MS: '2500',
        WEBHOOK_SECRET_KEY: 'k'.repeat(32),
      });
      expect(channels).toMatchObject({
        timeoutMs: 2500,
        whatsapp: {
          apiUrl: 'http://127.0.0.1:9999/v21.0',
          phoneNumberId: '106540352242922',
          token: 'EAAG-token',
        },
        sms: { url: 'https://sms.example.id/send', token: 'sms-token-1' },
        email: { smtpUrl: 'smtp://user:pass@mail.example.id:587', from: 'Pasar Gizi <noreply@pasargizi.id>' },
      });
    });

    it('refuse malformed or half-given values, naming each', () => {
      const problems = problemsOf({
        WHATSAPP_API_URL: 'graph.facebook.com',
        WHATSAPP_PHONE_NUMBER_ID: 'abc',
        SMS_GATEWAY_URL: 'ftp://sms',
        SMTP_URL: 'mail.example.id',
        EMAIL_FROM: 'nobody',
        CHANNEL_TIMEOUT_MS: '10',
        WEBHOOK_SECRET_KEY: 'short',
      });
      for (const name of [
        'WHATSAPP_API_URL must be an http(s):// URL',
        'WHATSAPP_PHONE_NUMBER_ID must be the numeric phone number id',
        'SMS_GATEWAY_URL must be an http(s):// URL',
        'SMTP_URL must be an smtp:// or smtps:// URL',
        'EMAIL_FROM must be an address',
        'CHANNEL_TIMEOUT_MS must be at least 100',
        'WEBHOOK_SECRET_KEY must be at least 32 characters',
      ]) {
        expect(problems.some((problem) => problem.startsWith(name))).toBe(true);
      }
      expect(problemsOf({ WHATSAPP_PHONE_NUMBER_ID: '123' })).toEqual([
        'WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_TOKEN go together: set both or neither',
      ]);
      expect(problemsOf({ SMTP_URL: 'smtp://mail:25' })).toEqual([
        'SMTP_URL needs EMAIL_FROM (the sender address)',
      ]);
      expect(problemsOf({ SMS_GATEWAY_TOKEN: 'sms-token-1' })).toEqual([
        'SMS_GATEWAY_TOKEN needs SMS_GATEWAY_URL',
      ]);
    });
  });

  it('reads a Redis Cluster and the market queue groups, and names bad values', () => {
    expect(loadConfig({})).toMatchObject({
      redisClusterNodes: null,
      marketQueueGroups: 1,
      workerMarketGroups: [0],
    });
    const cluster = loadConfig({
      REDIS_CLUSTER_NODES: 'redis-a:7000,10.0.0.2:7001',
      MARKET_QUEUE_GROUPS: '4',
      WORKER_MARKET_GROUPS: '3,1,1',
    });
    expect(cluster.redisClusterNodes).toEqual([
      { host: 'redis-a', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    expect(cluster.marketQueueGroups).toBe(4);
    expect(cluster.workerMarketGroups).toEqual([1, 3]);
    expect(loadConfig({ MARKET_QUEUE_GROUPS: '3' }).workerMarketGroups).toEqual([0, 1, 2]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://a:7000' })[0]).toMatch(/^REDIS_CLUSTER_NODES must be/);
    expect(problemsOf({ MARKET_QUEUE_GROUPS: '0' })[0]).toMatch(/^MARKET_QUEUE_GROUPS must be between/);
    expect(problemsOf({ MARKET_QUEUE_GROUPS: '2', WORKER_MARKET_GROUPS: '2' })[0]).toMatch(
      /^WORKER_MARKET_GROUPS must name groups 0 to 1/,
    );
    const { REDIS_URL: _omitted, ...withoutRedisUrl } = PRODUCTION;
    expect(loadConfig({ ...withoutRedisUrl, REDIS_CLUSTER_NODES: 'a:7000' }).production).toBe(true);
  });
});

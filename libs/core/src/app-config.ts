import 'reflect-metadata';
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
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  production: boolean;
  databaseUrl: string;
  redisUrl: string;
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

const NUMERIC = ['PORT', 'OUTBOX_POLL_MS', 'WORKER_CONCURRENCY', 'DATABASE_POOL_SIZE'] as const;

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
    if (!vars.REDIS_URL) problems.push('REDIS_URL is required in production');
    if (!vars.JWT_SECRET) problems.push('JWT_SECRET is required in production (at least 32 characters)');
    else if (vars.JWT_SECRET === DEVELOPMENT_DEFAULTS.jwtSecret)
      problems.push('JWT_SECRET must not be the development default in production');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: vars.NODE_ENV,
    production,
    databaseUrl: vars.DATABASE_URL ?? DEVELOPMENT_DEFAULTS.databaseUrl,
    redisUrl: vars.REDIS_URL ?? DEVELOPMENT_DEFAULTS.redisUrl,
    port: vars.PORT,
    jwtSecret: vars.JWT_SECRET ?? DEVELOPMENT_DEFAULTS.jwtSecret,
    seedPassword: vars.SEED_PASSWORD ?? (production ? null : DEVELOPMENT_DEFAULTS.seedPassword),
    queuePrefix: vars.QUEUE_PREFIX,
    ocdsOcidPrefix: vars.OCDS_OCID_PREFIX,
    outboxPollMs: vars.OUTBOX_POLL_MS,
    workerConcurrency: vars.WORKER_CONCURRENCY,
    databasePoolSize: vars.DATABASE_POOL_SIZE,
  };
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../core/src/app-config.js';
import { dataSourceOptions } from './data-source.js';
import { NAMED_STATEMENTS_OPTION } from './prepared-statement.js';

/**
 * Per-connection limits, so one held lock or one slow query cannot hang every request: the
 * server cancels a statement or a lock wait that runs too long and ends a transaction left
 * idle, and the pool gives up waiting for a free connection. The API turns each into a
 * retryable SERVICE_UNAVAILABLE (apps/api/src/graphql/error-formatter.ts).
 */
export function connectionLimits(config: AppConfig, poolSize: number): Record<string, number | boolean> {
  return {
    [NAMED_STATEMENTS_OPTION]: config.databasePreparedStatements,
    max: poolSize,
    connectionTimeoutMillis: config.databasePoolAcquireTimeoutMs,
    statement_timeout: config.databaseStatementTimeoutMs,
    lock_timeout: config.databaseLockTimeoutMs,
    idle_in_transaction_session_timeout: config.databaseIdleInTransactionTimeoutMs,
  };
}

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, poolSize = 20): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.databaseUrl),
          extra: connectionLimits(config, poolSize),
        }),
      ],
    };
  }
}

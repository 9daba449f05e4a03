import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { createRedisClient, type RedisTarget } from '../../jobs/src/redis-connection.js';
import { DomainError } from '../../core/src/domain-error.js';
import type { LoginThrottleConfig } from '../../core/src/app-config.js';

/** Distributed guessing at one account: this many times the per-address limit, from anywhere. */
const ACCOUNT_WIDE_FACTOR = 4;
/** An account-wide block never lasts longer: a real user is kept out a minute at most. */
const ACCOUNT_WIDE_MAX_BLOCK_MS = 60_000;

/**
 * Throttles password guessing, in Redis so every API replica shares the counts. Three counts,
 * each in a window that starts with its first failure:
 *  - one account from one address: after maxFailuresPerAccount failures that address waits
 *    1 s, 2 s, 4 s… (at most maxBlockSeconds) before trying that account again. The real user
 *    elsewhere is not affected, and a success clears the count;
 *  - one address, any account: after maxFailuresPerAddress failures it waits out the window;
 *  - one account from everywhere: after ACCOUNT_WIDE_FACTOR × maxFailuresPerAccount failures,
 *    1 s, 2 s… capped at one minute, so a botnet gets few guesses and a real user waits little.
 * A refused attempt does not check the password and does not count. When Redis does not answer
 * logins are not throttled (and it is logged): login stays available, as the rest of the API.
 */
export class LoginThrottle implements OnModuleDestroy {
  private readonly logger = new Logger('LoginThrottle');
  private readonly redis: Redis | Cluster;

  constructor(
    redis: RedisTarget,
    private readonly prefix: string,
    private readonly limits: LoginThrottleConfig,
  ) {
    this.redis = createRedisClient(redis, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      connectTimeout: 2000,
    });
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  private keys(email: string, address: string) {
    const account = createHash('sha256').update(email).digest('base64url').slice(0, 22);
    // One hash tag: on a Redis Cluster a pipeline (and DEL a b) needs all its keys in one slot.
    const base = `{${this.prefix}:login}`;
    return {
      pairFailures: `${base}:fail:${account}:${address}`,
      pairBlock: `${base}:block:${account}:${address}`,
      addressFailures: `${base}:fail-address:${address}`,
      accountFailures: `${base}:fail-account:${account}`,
      accountBlock: `${base}:block-account:${account}`,
    };
  }

  /** Throws TOO_MANY_REQUESTS when this address may not try this account now. */
  async check(email: string, address: string): Promise<void> {
    const keys = this.keys(email, address);
    let answers: [Error | null, unknown][] | null;
    try {
      answers = await this.redis
        .pipeline()
        .pttl(keys.pairBlock)
        .pttl(keys.accountBlock)
        .get(keys.addressFailures)
        .pttl(keys.addressFailures)
        .exec();
    } catch (error) {
      this.logger.error(`Login throttle unavailable, not throttling: ${(error as Error).message}`);
      return;
    }
    const [pairBlockMs, accountBlockMs, addressFailures, addressWindowMs] = (answers ?? []).map(
      ([, value]) => value,
    ) as [number, number, string | null, number];
    const waitMs = Math.max(
      pairBlockMs > 0 ? pairBlockMs : 0,
      accountBlockMs > 0 ? accountBlockMs : 0,
      Number(addressFailures ?? 0) >= this.limits.maxFailuresPerAddress && addressWindowMs > 0
        ? addressWindowMs
        : 0,
    );
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw DomainError.tooManyRequests(
        `Too many failed sign-ins; try again in ${seconds} s`,
        `Terlalu banyak percobaan masuk yang gagal; coba lagi dalam ${seconds} detik`,
        seconds,
      );
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const keys = this.keys(email, address);
    const window = this.limits.windowSeconds;
    try {
      const answers = await this.redis
        .pipeline()
        .set(keys.pairFailures, 0, 'EX', window, 'NX')
        .incr(keys.pairFailures)
        .set(keys.addressFailures, 0, 'EX', window, 'NX')
        .incr(keys.addressFailures)
        .set(keys.accountFailures, 0, 'EX', window, 'NX')
        .incr(keys.accountFailures)
        .exec();
      const pairCount = Number(answers?.[1]?.[1] ?? 0);
      const accountCount = Number(answers?.[5]?.[1] ?? 0);
      const perAccount = this.limits.maxFailuresPerAccount;
      if (pairCount >= perAccount) {
        const ms = backoffMs(pairCount - perAccount, this.limits.maxBlockSeconds * 1000);
        await this.redis.set(keys.pairBlock, 1, 'PX', ms);
      }
      const accountWide = perAccount * ACCOUNT_WIDE_FACTOR;
      if (accountCount >= accountWide) {
        const ms = backoffMs(
          accountCount - accountWide,
          Math.min(ACCOUNT_WIDE_MAX_BLOCK_MS, this.limits.maxBlockSeconds * 1000),
        );
        await this.redis.set(keys.accountBlock, 1, 'PX', ms);
      }
    } catch (error) {
      this.logger.error(`Login throttle could not count a failure: ${(error as Error).message}`);
    }
  }

  /** A right password from this address clears what this address had against the account. */
  async recordSuccess(email: string, address: string): Promise<void> {
    const keys = this.keys(email, address);
    try {
      await this.redis.del(keys.pairFailures, keys.pairBlock);
    } catch (error) {
      this.logger.error(`Login throttle could not clear failures: ${(error as Error).message}`);
    }
  }
}

function backoffMs(step: number, capMs: number): number {
  return Math.min(1000 * 2 ** Math.min(step, 30), capMs);
}

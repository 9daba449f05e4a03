import { Logger } from '@nestjs/common';
import { Queue, type ConnectionOptions } from 'bullmq';
import { MARKET_QUEUE, NOTIFY_QUEUE } from './job-types.js';
import { isMarketQueueName, marketQueueNames, queuePrefix } from './queues.js';

/**
 * The producer side of the market queues (the outbox relay's, the pruning scheduler's, the
 * queue-depth gauges'): one Queue per group, made on first use, on a connection whose commands
 * time out. A row written under another group count (a market-N this process does not
 * consume) is still published where it says, not stuck: workers that consume it drain it.
 */
export class ProducerQueues {
  private readonly logger = new Logger('Queue');
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly config: {
      queuePrefix: string;
      redisClusterNodes: unknown[] | null;
      marketQueueGroups: number;
    },
    private readonly connection: ConnectionOptions,
  ) {}

  get(name: string): Queue {
    if (!isMarketQueueName(name) && name !== NOTIFY_QUEUE) throw new Error(`Unknown queue ${name}`);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.config, name) });
      // A timed-out command is an 'error' event; unheard, it would crash the process.
      queue.on('error', (error: Error) => this.logger.warn(`Redis (${name}): ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Group 0 (`market`): the queue the pruning schedule and the relay's PING use. */
  get first(): Queue {
    return this.get(MARKET_QUEUE);
  }

  /** Every configured group's queue. */
  all(): Queue[] {
    return marketQueueNames(this.config.marketQueueGroups).map((name) => this.get(name));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}

import {
  isMarketQueueName,
  marketGroupOf,
  marketQueueFor,
  marketQueueName,
  marketQueueNames,
  queuePrefix,
} from './queues.js';

describe('queue naming', () => {
  it('one group is the historical market queue, with the plain prefix on one Redis', () => {
    expect(marketQueueNames(1)).toEqual(['market']);
    expect(marketQueueFor('3572', 1)).toBe('market');
    expect(queuePrefix({ queuePrefix: 'pasar-gizi', redisClusterNodes: null }, 'market')).toBe('pasar-gizi');
  });

  it('on a cluster each queue has a hash-tagged prefix of its own', () => {
    const cluster = { queuePrefix: 'pasar-gizi', redisClusterNodes: [{ host: 'a', port: 1 }] };
    expect(queuePrefix(cluster, 'market-2')).toBe('{pasar-gizi:market-2}');
    expect(queuePrefix(cluster, 'compliance')).toBe('{pasar-gizi:compliance}');
  });

  it('spreads regencies over the groups, stably, and names every group', () => {
    expect(marketQueueNames(3)).toEqual(['market', 'market-1', 'market-2']);
    const codes = Array.from({ length: 300 }, (_, i) => String(1101 + i * 7));
    const counts = [0, 0, 0, 0];
    for (const code of codes) counts[marketGroupOf(code, 4)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(40);
    // Fixed values: a release that changed the hash would strand delayed jobs in other queues.
    expect([marketGroupOf('35.72', 5), marketGroupOf('35.05', 5), marketGroupOf('35.05', 4)]).toEqual([
      3, 4, 2,
    ]);
    expect(marketQueueName(marketGroupOf('35.72', 5))).toBe('market-3');
    expect(marketQueueFor('35.72', 5)).toBe('market-3');
    expect(isMarketQueueName('market-12')).toBe(true);
    expect(isMarketQueueName('compliance')).toBe(false);
  });
});

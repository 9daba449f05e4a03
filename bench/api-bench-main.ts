import { runApiBench } from './api-bench.js';
const result = await runApiBench({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  offers: Number(process.env.BENCH_OFFERS ?? 1000),
  log: (line) => console.log(line),
});
console.log(JSON.stringify(result, null, 1));

import type { DataSource, Logger } from 'typeorm';

/** Runs `run` and returns every SQL statement TypeORM sent meanwhile (through its logger hook). */
export async function countQueries<T>(
  dataSource: DataSource,
  run: () => Promise<T>,
): Promise<{ result: T; queries: string[] }> {
  const original = dataSource.logger;
  const queries: string[] = [];
  const counting: Logger = Object.assign(Object.create(original) as Logger, {
    logQuery(query: string, parameters?: unknown[], queryRunner?: unknown) {
      queries.push(query);
      return original.logQuery(query, parameters, queryRunner as never);
    },
  });
  dataSource.logger = counting;
  try {
    return { result: await run(), queries };
  } finally {
    dataSource.logger = original;
  }
}

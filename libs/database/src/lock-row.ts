import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** SELECT … FOR UPDATE of one row by id: the row stays locked until the transaction ends. */
export async function lockRow<T extends ObjectLiteral>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  id: string,
): Promise<T | null> {
  return tx
    .getRepository(entity)
    .createQueryBuilder('row')
    .setLock('pessimistic_write')
    .where('row.id = :id', { id })
    .getOne();
}

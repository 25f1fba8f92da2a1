import { DeepPartial, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * One autocommitted INSERT (no re-read, no transaction): the entity is built from the values given
 * and what PostgreSQL generated (id, timestamps, defaults). Give every nullable column, null included.
 */
export async function insertOne<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  values: DeepPartial<T>,
): Promise<T> {
  const result = await manager.insert(target, values as never);
  return manager.create(target, { ...values, ...(result.generatedMaps[0] as DeepPartial<T>) });
}

import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * One row of an entity's table by a SQL condition, as the entity: the same row TypeORM's `findOne`
 * gives (every column, by its property name), without its query builder, which rebuilds the SQL on
 * every call. For the per-request and per-login reads. `where` and `orderBy` use column names; the
 * values go as parameters ($1 …).
 */
export async function findOneWhere<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: string,
  params: unknown[],
  orderBy?: string,
): Promise<T | null> {
  const metadata = manager.connection.getMetadata(target);
  const rows = await manager.query<Array<Record<string, unknown>>>(
    `SELECT * FROM ${metadata.tablePath} WHERE ${where}${orderBy ? ` ORDER BY ${orderBy}` : ''} LIMIT 1`,
    params,
  );
  return rows[0] ? entityFromRow(manager, target, rows[0]) : null;
}

/** A row of the entity's table (all its columns, by column name, as `SELECT *` gives them) as the entity. */
export function entityFromRow<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, row: Record<string, unknown>): T {
  const entity = manager.create(target);
  for (const column of manager.connection.getMetadata(target).columns)
    (entity as Record<string, unknown>)[column.propertyName] = row[column.databaseName];
  return entity;
}

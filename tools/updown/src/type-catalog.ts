/**
 * What Sequelize reads of the database's types on an instance's first connection (every base and
 * enum type in pg_type, to parse values by type), handed from one instance to the next of a fan-out.
 * In one database it is the same for every schema, and it grows with each table the tenants get (a
 * table has an array type): 1,000 tenants read it 1,000 times, millions of rows in all. A tenant
 * whose migration makes an enum through queryInterface still reads it again itself (Sequelize does).
 */
import type { Sequelize } from 'sequelize';
import type { TypeCatalog } from './types';

/** The part of Sequelize's postgres connection manager that holds the catalog (Sequelize 6's internals). */
interface TypeParsers {
  nameOidMap: object;
  enumOids: object;
  refreshTypeParser(dataTypes: unknown): void;
}

const typeParsersOf = (sequelize: Sequelize) => (sequelize as unknown as { connectionManager: TypeParsers }).connectionManager;

/** @internal Gives a new instance the catalog read before: Sequelize reads it only while it holds none. */
export function useTypeCatalog(sequelize: Sequelize, catalog: TypeCatalog | undefined): void {
  if (!catalog?.known) return;
  const parsers = typeParsersOf(sequelize);
  Object.assign(parsers, catalog.known);
  const { DataTypes } = sequelize.constructor as unknown as { DataTypes: { postgres: unknown } };
  parsers.refreshTypeParser(DataTypes.postgres);
}

/** @internal Keeps what a connected instance read, for the instances made after it. */
export function recordTypeCatalog(sequelize: Sequelize, catalog: TypeCatalog | undefined): void {
  if (!catalog || catalog.known) return;
  const { nameOidMap, enumOids } = typeParsersOf(sequelize);
  if (Object.keys(nameOidMap).length > 0) catalog.known = { nameOidMap, enumOids };
}

/** ADD COLUMN … NOT NULL with no default: fails on a table that has rows. */
import { columnConstraints, columnsAddedToExisting } from '../parse';
import { seenLock, type Rule } from './types';

export const notNullWithoutDefault: Rule = {
  id: 'not-null-without-default',
  title: 'column added NOT NULL without a default',
  lock: 'ACCESS EXCLUSIVE; on a table with rows the statement fails (23502), on an empty one it passes: it breaks in production only',
  recipe: () => [
    '1. add the column nullable (or NOT NULL with a constant DEFAULT: no rewrite since PostgreSQL 11)',
    '2. backfill it in batches, in a file with `transaction = false`',
    '3. make it NOT NULL the safe way (see set-not-null)',
  ],
  check(statement, context) {
    const added = columnsAddedToExisting(statement, context.existing);
    if (!added) return [];
    const { table } = added;
    return added.columns
      .filter((column) => {
        const types = columnConstraints(column).map((constraint) => constraint.contype);
        return types.includes('CONSTR_NOTNULL') && !types.some((type) => ['CONSTR_DEFAULT', 'CONSTR_GENERATED', 'CONSTR_IDENTITY'].includes(type));
      })
      .map((column) => ({
        message: `${table}.${column.colname} is added NOT NULL with no default: every existing row violates it`,
        table,
        lock: seenLock(context, table, 'AccessExclusiveLock'),
        location: column.location,
      }));
  },
};

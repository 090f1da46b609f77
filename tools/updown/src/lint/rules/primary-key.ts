/** A primary key added to an existing table builds its index (and checks NOT NULL) with the table locked. */
import { constraintsAddedToExisting } from '../parse';
import { seenLock, type Rule } from './types';

export const primaryKey: Rule = {
  id: 'primary-key',
  title: 'primary key added to an existing table',
  lock: 'ACCESS EXCLUSIVE for the index build (and a NOT NULL scan of its columns)',
  recipe: () => [
    '1. CREATE UNIQUE INDEX CONCURRENTLY users_pkey_idx ON users (id);   -- transaction = false',
    '2. make the columns NOT NULL the safe way (see set-not-null)',
    '3. ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey_idx;',
  ],
  check(statement, context) {
    const added = constraintsAddedToExisting(statement, context.existing);
    if (!added) return [];
    const { table } = added;
    return added.constraints
      .filter((constraint) => constraint.contype === 'CONSTR_PRIMARY' && !constraint.indexname)
      .map((constraint) => ({ message: `adding a primary key to ${table} builds its index with the table locked`, table, lock: seenLock(context, table, 'AccessExclusiveLock'), location: constraint.location }));
  },
};

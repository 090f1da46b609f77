/** A stored generated column or an identity column added to an existing table: a rewrite. */
import { columnConstraints, columnsAddedToExisting } from '../parse';
import { seenLock, type Rule } from './types';

export const generatedColumn: Rule = {
  id: 'generated-column',
  title: 'stored generated or identity column added',
  lock: 'ACCESS EXCLUSIVE for a rewrite of the whole table',
  recipe: () => [
    '1. add a plain nullable column',
    '2. fill it for new rows with a trigger (or a default: ALTER … SET DEFAULT nextval(…) for an id)',
    '3. backfill existing rows in batches (`transaction = false`), then add constraints the safe way',
  ],
  check(statement, context) {
    const added = columnsAddedToExisting(statement, context.existing);
    if (!added) return [];
    const { table } = added;
    return added.columns
      .flatMap((column) => {
        const generated = columnConstraints(column).find((constraint) => constraint.contype === 'CONSTR_GENERATED' || constraint.contype === 'CONSTR_IDENTITY');
        if (!generated) return [];
        const what = generated.contype === 'CONSTR_IDENTITY' ? 'an identity column' : 'a stored generated column';
        return [{ message: `${table}.${column.colname} is ${what}: adding it rewrites every row`, table, lock: seenLock(context, table, 'AccessExclusiveLock'), location: generated.location }];
      });
  },
};

/** A foreign key or check added with validation, or a unique constraint that builds its own index. */
import { constraintsAddedToExisting } from '../parse';
import { seenLock, type Rule } from './types';

const WHAT: Record<string, { noun: string; lock: string }> = {
  CONSTR_FOREIGN: { noun: 'foreign key', lock: 'ShareRowExclusiveLock' },
  CONSTR_CHECK: { noun: 'check constraint', lock: 'AccessExclusiveLock' },
  CONSTR_UNIQUE: { noun: 'unique constraint', lock: 'AccessExclusiveLock' },
};

export const constraintNotValid: Rule = {
  id: 'constraint-not-valid',
  title: 'foreign key, check or unique constraint added without NOT VALID / USING INDEX',
  lock: 'foreign key: SHARE ROW EXCLUSIVE on both tables while every row is checked; check: ACCESS EXCLUSIVE while every row is read; unique: ACCESS EXCLUSIVE for the index build',
  recipe: () => [
    'foreign key / check: file 1 adds it NOT VALID (instant), file 2 runs VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE):',
    "  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
    '  ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
    'unique: CREATE UNIQUE INDEX CONCURRENTLY orders_code_key ON orders (code);   -- transaction = false',
    '  then ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX orders_code_key;',
  ],
  check(statement, context) {
    const added = constraintsAddedToExisting(statement, context.existing);
    if (!added) return [];
    const { table } = added;
    return added.constraints
      .filter((constraint) => WHAT[constraint.contype])
      .filter((constraint) => (constraint.contype === 'CONSTR_UNIQUE' ? !constraint.indexname : !constraint.skip_validation))
      .map((constraint) => {
        const { noun, lock } = WHAT[constraint.contype];
        const how = constraint.contype === 'CONSTR_UNIQUE' ? 'builds its index with the table locked' : 'checks every existing row with the table locked';
        return { message: `the ${noun} ${constraint.conname ?? ''} on ${table} ${how}`.replace('  ', ' '), table, lock: seenLock(context, table, lock), location: constraint.location };
      });
  },
};

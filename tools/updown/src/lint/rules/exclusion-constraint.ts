/** An exclusion constraint on an existing table: no NOT VALID, no USING INDEX; built and checked under lock. */
import { constraintsAddedToExisting } from '../parse';
import { seenLock, type Rule } from './types';

export const exclusionConstraint: Rule = {
  id: 'exclusion-constraint',
  title: 'exclusion constraint added to an existing table',
  lock: 'ACCESS EXCLUSIVE while its index is built and every row checked',
  recipe: () => [
    'An EXCLUDE constraint can be neither NOT VALID nor USING INDEX: add it while the table is new or small,',
    'in a maintenance window, or enforce the rule with a trigger on new rows first and add the constraint later.',
  ],
  check(statement, context) {
    const added = constraintsAddedToExisting(statement, context.existing);
    if (!added) return [];
    const { table } = added;
    return added.constraints
      .filter((constraint) => constraint.contype === 'CONSTR_EXCLUSION')
      .map((constraint) => ({ message: `the exclusion constraint ${constraint.conname ?? ''} on ${table} is built with the table locked`.replace('  ', ' '), table, lock: seenLock(context, table, 'AccessExclusiveLock'), location: constraint.location }));
  },
};

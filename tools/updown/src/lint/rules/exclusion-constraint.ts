/** An exclusion constraint on an existing table: no NOT VALID, no USING INDEX; built and checked under lock. */
import { alterOfExisting } from '../parse';
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
    const altered = alterOfExisting(statement, context.existing, 'AT_AddConstraint');
    if (!altered) return [];
    const { table } = altered;
    return altered.commands
      .map((cmd) => cmd.def?.Constraint)
      .filter((constraint) => constraint?.contype === 'CONSTR_EXCLUSION')
      .map((constraint) => ({ message: `the exclusion constraint ${constraint.conname ?? ''} on ${table} is built with the table locked`.replace('  ', ' '), table, lock: seenLock(context, table, 'AccessExclusiveLock'), location: constraint.location }));
  },
};

/** NOT VALID then VALIDATE in one transaction: the ADD's strong lock is still held while every row is checked. */
import { alterCommands, rangeVarName } from '../parse';
import type { Rule } from './types';

export const validateInSameTransaction: Rule = {
  id: 'validate-in-same-transaction',
  title: 'NOT VALID followed by VALIDATE in the same transaction',
  lock: 'the lock of the ADD CONSTRAINT (ACCESS EXCLUSIVE for a check, SHARE ROW EXCLUSIVE for a foreign key) held during the whole validation',
  recipe: () => ['Move the VALIDATE CONSTRAINT to a file of its own (the next migration): it then takes only SHARE UPDATE EXCLUSIVE.'],
  check(statement, context) {
    if (!context.inTransaction) return [];
    const table = rangeVarName(statement.node?.relation);
    const addedHere = new Map<string, string>();
    for (const earlier of context.earlier) {
      for (const cmd of alterCommands(earlier)) {
        const constraint = cmd.def?.Constraint;
        if (cmd.subtype === 'AT_AddConstraint' && constraint?.skip_validation && constraint.conname) {
          addedHere.set(constraint.conname, constraint.contype === 'CONSTR_FOREIGN' ? 'ShareRowExclusiveLock' : 'AccessExclusiveLock');
        }
      }
    }
    return alterCommands(statement)
      .filter((cmd) => cmd.subtype === 'AT_ValidateConstraint' && addedHere.has(cmd.name))
      .map((cmd) => ({ message: `${cmd.name} is validated in the transaction that added it NOT VALID: the lock taken by the ADD is held while every row is checked`, table, lock: addedHere.get(cmd.name), location: statement.node.relation?.location }));
  },
};

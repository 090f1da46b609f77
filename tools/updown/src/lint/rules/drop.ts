/** Dropping a column or table that the code running now may still read or write. */
import { alterCommands, names, rangeVarName } from '../parse';
import type { Rule } from './types';

export const drop: Rule = {
  id: 'drop',
  title: 'drop of a column or table',
  lock: 'ACCESS EXCLUSIVE (brief); the real cost is every running query (and ORM model) that still uses it',
  recipe: () => [
    'Contract only after the code has moved:',
    '1. deploy code that no longer reads or writes it (Sequelize: remove it from the model)',
    '2. then drop it in a later migration, and acknowledge that here:',
    "   export const lint = { allow: { drop: 'no code uses users.legacy_id since release 42' } };",
  ],
  check(statement, context) {
    const { kind, node } = statement;
    if (kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
      return (node.objects ?? [])
        .map((object: { List?: { items: unknown[] } }) => names(object.List?.items as never).join('.'))
        .filter((table: string) => context.existing(table))
        .map((table: string) => ({ message: `dropping ${table} breaks the code that still uses it`, table, lock: 'AccessExclusiveLock' }));
    }
    const table = rangeVarName(node?.relation);
    if (!table || !context.existing(table)) return [];
    return alterCommands(statement)
      .filter((cmd) => cmd.subtype === 'AT_DropColumn')
      .map((cmd) => ({ message: `dropping ${table}.${cmd.name} breaks the code that still uses it`, table, lock: 'AccessExclusiveLock', location: node.relation?.location }));
  },
};

/** UPDATE or DELETE of a whole existing table in one statement: an unbatched backfill. */
import { rangeVarName } from '../parse';
import type { Rule } from './types';

export const unbatchedWrite: Rule = {
  id: 'unbatched-write',
  title: 'UPDATE or DELETE without WHERE on an existing table (an unbatched backfill)',
  lock: 'ROW EXCLUSIVE, and a row lock on every row until the file commits: writers to those rows wait, one huge transaction and WAL burst',
  recipe: () => [
    'Backfill in batches in a file with `export const transaction = false`, each batch its own statement:',
    'let n; do { [, n] = await sequelize.query(',
    "  'UPDATE users SET plan = $1 WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 1000)', { bind: ['free'] });",
    '} while (n.rowCount > 0);',
  ],
  check(statement, context) {
    const { kind, node } = statement;
    if ((kind !== 'UpdateStmt' && kind !== 'DeleteStmt') || node.whereClause) return [];
    const table = rangeVarName(node.relation);
    if (!context.existing(table)) return [];
    const verb = kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
    return [{ message: `${verb} of every row of ${table} in one statement`, table, lock: 'RowExclusiveLock', location: node.relation?.location }];
  },
};

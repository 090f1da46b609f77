/** Renaming a column or table that running code still uses: its queries fail from the next statement on. */
import { rangeVarName } from '../parse';
import type { Rule } from './types';

export const rename: Rule = {
  id: 'rename',
  title: 'rename of a column or table',
  lock: 'ACCESS EXCLUSIVE (brief); the real cost is every running query that still uses the old name',
  recipe: () => [
    'Expand and contract, one release each:',
    '1. add the new column (or table); write to both; backfill',
    '2. move reads to the new name and deploy',
    '3. stop writing the old one, then drop it (see drop)',
    '(a table: rename it and leave a view with the old name until the code has moved)',
  ],
  check(statement, context) {
    const { kind, node } = statement;
    if (kind !== 'RenameStmt' || !node.relation) return [];
    const table = rangeVarName(node.relation);
    if (!context.existing(table)) return [];
    if (node.renameType === 'OBJECT_COLUMN') return [{ message: `renaming ${table}.${node.subname} to ${node.newname} breaks the code that still uses ${node.subname}`, table, lock: 'AccessExclusiveLock', location: node.relation.location }];
    if (node.renameType === 'OBJECT_TABLE') return [{ message: `renaming ${table} to ${node.newname} breaks the code that still uses ${table}`, table, lock: 'AccessExclusiveLock', location: node.relation.location }];
    return [];
  },
};

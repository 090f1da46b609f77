/** CREATE INDEX / DROP INDEX without CONCURRENTLY on a table that already exists. */
import { names, rangeVarName } from '../parse';
import { seenLock, type Rule } from './types';

export const indexNotConcurrent: Rule = {
  id: 'index-not-concurrent',
  title: 'index created or dropped without CONCURRENTLY on an existing table',
  lock: 'CREATE INDEX: SHARE (blocks writes) for the whole build; DROP INDEX: ACCESS EXCLUSIVE',
  recipe: () => [
    'export const transaction = false;   // CONCURRENTLY cannot run in a transaction',
    "await queryInterface.addIndex('users', ['email'], { concurrently: true });",
    '// or: CREATE INDEX CONCURRENTLY … / DROP INDEX CONCURRENTLY …',
    'A failed concurrent build leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) and run again.',
  ],
  check(statement, context) {
    const { kind, node } = statement;
    if (kind === 'IndexStmt' && !node.concurrent) {
      const table = rangeVarName(node.relation);
      if (!context.existing(table)) return [];
      return [{ message: `CREATE INDEX on ${table} without CONCURRENTLY blocks writes to it while the index builds`, table, lock: seenLock(context, table, 'ShareLock'), location: node.relation?.location }];
    }
    if (kind === 'DropStmt' && node.removeType === 'OBJECT_INDEX' && !node.concurrent) {
      return (node.objects ?? []).flatMap((object: { List?: { items: unknown[] } }) => {
        const index = names(object.List?.items as never).join('.');
        if (!context.existing(index)) return [];
        const table = context.evidence?.locks.find((lock) => lock.mode === 'AccessExclusiveLock' && lock.relation.kind !== 'i')?.relation.name;
        return [{ message: `DROP INDEX ${index} without CONCURRENTLY locks ${table ?? 'its table'} against reads and writes`, table, lock: 'AccessExclusiveLock' }];
      });
    }
    return [];
  },
};

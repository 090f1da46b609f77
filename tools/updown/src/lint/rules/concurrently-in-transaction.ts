/** CONCURRENTLY in a file that runs in a transaction: PostgreSQL refuses it (25001). */
import type { ParsedStatement } from '../parse';
import type { Rule } from './types';

function concurrent(statement: ParsedStatement): boolean {
  const { kind, node } = statement;
  if (kind === 'IndexStmt' || kind === 'DropStmt') return Boolean(node.concurrent);
  if (kind === 'ReindexStmt') return (node.params ?? []).some((param: { DefElem?: { defname?: string } }) => param.DefElem?.defname === 'concurrently');
  if (kind === 'AlterTableStmt') return (node.cmds ?? []).some((cmd: { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }) => cmd.AlterTableCmd?.def?.PartitionCmd?.concurrent);
  return false;
}

export const concurrentlyInTransaction: Rule = {
  id: 'concurrently-in-transaction',
  title: 'CONCURRENTLY inside a transaction',
  lock: 'none taken: PostgreSQL refuses the statement (25001) and the file fails',
  recipe: () => [
    'Give the concurrent statement a file of its own that runs outside a transaction:',
    'export const transaction = false;',
    "await queryInterface.addIndex('users', ['email'], { concurrently: true });",
    '(sequelize-cli and Umzug projects: list the file in `noTransaction` in updown.config.ts)',
  ],
  check(statement, context) {
    if (!context.inTransaction || !concurrent(statement)) return [];
    return [{ message: 'CONCURRENTLY cannot run inside a transaction block', location: statement.node.relation?.location }];
  },
  onError(statement, error) {
    if (error.code !== '25001' || !concurrent(statement)) return [];
    return [{ message: `PostgreSQL refused it: ${error.message}`, location: statement.node.relation?.location }];
  },
};

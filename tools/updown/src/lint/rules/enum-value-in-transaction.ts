/**
 * ALTER TYPE … ADD VALUE in a transaction: refused before PostgreSQL 12 (25001); since 12 it
 * runs, but the new value cannot be used until the transaction commits (55P04).
 */
import { names } from '../parse';
import { PG12, type Rule } from './types';

export const enumValueInTransaction: Rule = {
  id: 'enum-value-in-transaction',
  title: 'ALTER TYPE … ADD VALUE inside a transaction',
  lock: 'ACCESS EXCLUSIVE on the type; before PostgreSQL 12 it is refused in a transaction, since 12 the value cannot be used until commit',
  recipe: (pgVersion) => [
    'Add the value in a file of its own that runs outside a transaction, and use it only in later files:',
    'export const transaction = false;',
    "await queryInterface.sequelize.query(\"ALTER TYPE enum_users_role ADD VALUE IF NOT EXISTS 'auditor'\");",
    ...(pgVersion >= PG12 ? ['(PostgreSQL 12+ accepts it in a transaction, but a statement using the new value before commit fails with 55P04)'] : []),
  ],
  check(statement, context) {
    if (statement.kind !== 'AlterEnumStmt' || !statement.node.newVal || !context.inTransaction) return [];
    return [{ message: `ADD VALUE '${statement.node.newVal}' to ${names(statement.node.typeName).join('.')} inside a transaction: the value cannot be used before it commits` }];
  },
  onError(statement, error) {
    if (statement.kind !== 'AlterEnumStmt' || !['25001', '55P04'].includes(error.code ?? '')) return [];
    return [{ message: `PostgreSQL refused it: ${error.message}` }];
  },
};

/**
 * ALTER COLUMN … SET NOT NULL scans the whole table under ACCESS EXCLUSIVE, unless (PostgreSQL
 * 12+) a validated CHECK (col IS NOT NULL) already proves it; PostgreSQL 18 can add the NOT NULL
 * itself NOT VALID and validate it later.
 */
import { alterOfExisting } from '../parse';
import { PG12, PG18, seenLock, type Rule } from './types';

/** A validated constraint definition that proves the column is never null. */
export function provesNotNull(definition: string, column: string): boolean {
  const col = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(CHECK \\(+"?${col}"? IS NOT NULL\\)+|NOT NULL "?${col}"?)$`, 'i').test(definition.trim());
}

export const setNotNull: Rule = {
  id: 'set-not-null',
  title: 'SET NOT NULL without a validated CHECK (col IS NOT NULL)',
  lock: 'ACCESS EXCLUSIVE while every row is read',
  recipe: (pgVersion) =>
    pgVersion >= PG18
      ? [
          "file 1: ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID;   -- instant",
          'file 2: ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;   -- SHARE UPDATE EXCLUSIVE: reads and writes go on',
          '(PostgreSQL 18: the validated constraint makes the column NOT NULL; no SET NOT NULL needed)',
        ]
      : pgVersion >= PG12
        ? [
            'file 1: ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
            'file 2: ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;   -- reads and writes go on',
            'file 3: ALTER TABLE users ALTER COLUMN email SET NOT NULL;   -- no scan: the check proves it',
            '        ALTER TABLE users DROP CONSTRAINT users_email_not_null;',
          ]
        : [
            'Before PostgreSQL 12 SET NOT NULL always scans the table: keep a validated',
            'CHECK (email IS NOT NULL) (added NOT VALID, validated in a second file) instead of NOT NULL.',
          ],
  check(statement, context) {
    const altered = alterOfExisting(statement, context.existing, 'AT_SetNotNull');
    if (!altered) return [];
    const { table } = altered;
    const proofs = context.evidence?.checks.get(table.split('.').pop()!) ?? [];
    return altered.commands
      .filter((cmd) => context.pgVersion < PG12 || !proofs.some((definition) => provesNotNull(definition, cmd.name)))
      .map((cmd) => ({ message: `SET NOT NULL on ${table}.${cmd.name} reads every row with the table locked`, table, lock: seenLock(context, table, 'AccessExclusiveLock'), location: statement.node.relation?.location }));
  },
};

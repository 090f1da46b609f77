/**
 * ALTER COLUMN … TYPE that rewrites the table. Decided by what the server did (a changed
 * relfilenode), not by the types' names: varchar(50) → varchar(80) or text is free, varchar(80)
 * → varchar(50) and int → bigint rewrite, and the statement's text cannot tell which is which
 * without the column's current type.
 */
import { alterOfExisting, typeName } from '../parse';
import { rewrote, seenLock, type Rule } from './types';

/** Targets that are free from the usual sources when not observed: varchar/text widening. */
const USUALLY_FREE = new Set(['text', 'varchar']);

export const columnTypeChange: Rule = {
  id: 'column-type-change',
  title: 'column type change that is not binary-coercible (varchar → text and a wider varchar are safe)',
  lock: 'ACCESS EXCLUSIVE for a rewrite of the table and every index',
  recipe: () => [
    '1. add a new column of the new type; write to both (a trigger, or the application)',
    '2. backfill the new column in batches (`transaction = false`)',
    '3. move reads to it, stop writing the old one, then drop the old column in a later release',
  ],
  check(statement, context) {
    const altered = alterOfExisting(statement, context.existing, 'AT_AlterColumnType');
    if (!altered) return [];
    const { table } = altered;
    return altered.commands
      .filter((cmd) => (context.evidence ? rewrote(context, table) : !USUALLY_FREE.has(typeName(cmd.def?.ColumnDef?.typeName))))
      .map((cmd) => ({
        message: `changing ${table}.${cmd.name} to ${typeName(cmd.def?.ColumnDef?.typeName)} ${context.evidence ? 'rewrote the table (observed)' : 'rewrites the table'}`,
        table,
        lock: seenLock(context, table, 'AccessExclusiveLock'),
        location: cmd.def?.ColumnDef?.location,
      }));
  },
};

/**
 * ADD COLUMN with a default that rewrites the table: a volatile one (gen_random_uuid(),
 * clock_timestamp(), nextval() of a serial) since PostgreSQL 11, any default before. Decided by
 * the rewrite observed when there is one, by the function's name otherwise.
 */
import { columnConstraints, columnsAddedToExisting, findAll, names, typeName } from '../parse';
import { PG11, rewrote, seenLock, type Rule } from './types';

const VOLATILE = new Set(['gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v4', 'clock_timestamp', 'timeofday', 'random', 'nextval', 'statement_timestamp', 'txid_current']);
const SERIALS = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2']);

function volatileByName(expr: unknown): boolean {
  return findAll(expr, 'FuncCall').some((call) => VOLATILE.has(names(call.funcname).pop() ?? ''));
}

export const volatileDefault: Rule = {
  id: 'volatile-default',
  title: 'column added with a volatile default (gen_random_uuid(), clock_timestamp(), a serial; any default before PostgreSQL 11)',
  lock: 'ACCESS EXCLUSIVE for a rewrite of the whole table and its indexes',
  recipe: (pgVersion) => [
    '1. add the column with no default (or a constant one' + (pgVersion < PG11 ? ': before PostgreSQL 11 even that rewrites, so none' : '') + ')',
    "2. set the default for new rows: ALTER TABLE … ALTER COLUMN … SET DEFAULT gen_random_uuid()",
    '3. backfill existing rows in batches, in a file with `transaction = false`',
  ],
  check(statement, context) {
    const added = columnsAddedToExisting(statement, context.existing);
    if (!added) return [];
    const { table } = added;
    return added.columns
      .flatMap((column) => {
        const defaults = columnConstraints(column).filter((constraint) => constraint.contype === 'CONSTR_DEFAULT');
        const serial = SERIALS.has(typeName(column?.typeName));
        if (defaults.length === 0 && !serial) return [];
        const byName = serial || defaults.some((constraint) => volatileByName(constraint.raw_expr));
        const anyDefault = context.pgVersion < PG11 && defaults.some((constraint) => !constraint.raw_expr?.A_Const?.isnull);
        const seen = context.evidence ? rewrote(context, table) : undefined;
        if (!(seen ?? (byName || anyDefault))) return [];
        const why = seen ? 'observed: the table was rewritten' : anyDefault ? `before PostgreSQL 11 any default rewrites the table` : 'its default is volatile';
        return [{
          message: `${table}.${column.colname} is added with a default that rewrites every row (${why})`,
          table,
          lock: seenLock(context, table, 'AccessExclusiveLock'),
          location: (defaults[0]?.location as number | undefined) ?? column.location,
        }];
      });
  },
};

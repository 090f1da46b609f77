/**
 * Evidence only: a statement rewrote an existing table (its relfilenode changed) and no other rule
 * explains why: a DO block, a function that runs DDL, VACUUM FULL, CLUSTER, SET LOGGED, … No
 * pattern on the SQL text gives this; the server's catalogs do.
 */
import { strongest } from '../locks';
import type { Rule } from './types';

export const tableRewrite: Rule = {
  id: 'table-rewrite',
  title: 'a statement that rewrote an existing table (observed; e.g. DDL run by a DO block or a function)',
  lock: 'ACCESS EXCLUSIVE for the whole rewrite',
  recipe: () => [
    'Find what rewrote it (the statement below; for a DO block or function, the DDL inside it) and use that',
    "operation's recipe; a backfill or copy belongs in batches in a `transaction = false` file.",
  ],
  check(statement, context) {
    const evidence = context.evidence;
    if (!evidence || context.alreadyFound.size > 0) return [];
    return evidence.rewritten
      .filter((relation) => ['r', 'p', 'm'].includes(relation.kind) && context.existing(relation.name))
      .map((relation) => {
        const lock = strongest(evidence.locks.filter((held) => held.relation.oid === relation.oid).map((held) => held.mode)) ?? 'AccessExclusiveLock';
        return { message: `${relation.name} was rewritten (its relfilenode changed) by a ${statement.kind.replace(/Stmt$/, '')} statement`, table: relation.name, lock };
      });
  },
};

/**
 * A statement that took ACCESS EXCLUSIVE on an existing table with no lock_timeout in force (or one
 * raised past the run's): while it waits for a long query to finish, every query behind it waits
 * too. updown gives every file a lock_timeout (5 s by default), so this fires only when a file (or
 * the configuration) turned it off or raised it.
 */
import type { Rule } from './types';

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export const lockTimeout: Rule = {
  id: 'lock-timeout',
  title: 'DDL that takes ACCESS EXCLUSIVE with no lock_timeout in force (or one raised past the default)',
  lock: 'ACCESS EXCLUSIVE, queued: while it waits, every later query on the table waits behind it',
  recipe: () => [
    'Keep updown\'s lock_timeout (5s unless --ddl-lock-timeout or `timeouts.lock` in updown.config.ts says otherwise):',
    'a file that hits it is rolled back and retried with backoff (--lock-retries). Remove the SET lock_timeout,',
    "or lower the file's own `export const timeouts = { lock: '…' }`.",
  ],
  check(_statement, context) {
    const evidence = context.evidence;
    if (!evidence) return [];
    const taken = evidence.locks.find((lock) => lock.mode === 'AccessExclusiveLock' && ['r', 'p', 'm'].includes(lock.relation.kind) && context.existing(lock.relation.name));
    if (!taken) return [];
    const { lockTimeoutMs } = evidence;
    if (lockTimeoutMs === 0) return [{ message: `took ACCESS EXCLUSIVE on ${taken.relation.name} with lock_timeout off (0): it would queue every query behind it while it waits`, table: taken.relation.name, lock: taken.mode }];
    if (lockTimeoutMs > context.runLockTimeoutMs) {
      return [{ message: `took ACCESS EXCLUSIVE on ${taken.relation.name} with lock_timeout ${seconds(lockTimeoutMs)}, raised past the run's ${seconds(context.runLockTimeoutMs)}`, table: taken.relation.name, lock: taken.mode }];
    }
    return [];
  },
};

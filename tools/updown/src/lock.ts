import type { Sequelize } from 'sequelize';
import { InterruptedError, LockTimeoutError } from './errors';
import type { LockHolder } from './types';

/** First key of every updown lock ("updw"); the second one is derived from the schema. */
const LOCK_NAMESPACE = 0x75706477 & 0x7fffffff;
const POLL_MS = 150;

interface RawConnection {
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

interface ConnectionManager {
  getConnection(options?: { type?: string }): Promise<RawConnection>;
  releaseConnection(connection: RawConnection): void;
}

/** FNV-1a, folded to a positive int4: stable across processes and versions. */
export function lockKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff;
}

export interface LockOptions {
  schema: string;
  timeoutMs: number;
  /** Told once, when the runner starts to wait, who holds the lock. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** Stops waiting when aborted (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

async function findHolder(connection: RawConnection, key: number): Promise<LockHolder | undefined> {
  const { rows } = await connection.query<{ pid: number; application_name: string }>(
    `SELECT a.pid, a.application_name
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2`,
    [LOCK_NAMESPACE, key],
  );
  return rows[0] ? { pid: rows[0].pid, applicationName: rows[0].application_name } : undefined;
}

async function tryLock(connection: RawConnection, key: number): Promise<boolean> {
  const { rows } = await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, key]);
  return rows[0]?.locked === true;
}

async function acquire(connection: RawConnection, key: number, options: LockOptions): Promise<void> {
  const started = Date.now();
  let told = false;
  while (!(await tryLock(connection, key))) {
    if (options.signal?.aborted) throw new InterruptedError(options.signal.reason);
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) {
      throw new LockTimeoutError(await findHolder(connection, key), waited, `schema "${options.schema}"`);
    }
    if (!told) {
      told = true;
      options.onWait?.(await findHolder(connection, key));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS + Math.random() * 50, options.timeoutMs - waited)));
  }
}

/**
 * Runs `fn` while holding the database-and-schema lock. The lock lives on a connection of its own,
 * never on a pooled one a transaction could borrow, and is polled (pg_try_advisory_lock) so a
 * waiter never blocks inside PostgreSQL.
 */
export async function withAdvisoryLock<T>(sequelize: Sequelize, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const connection = await manager.getConnection({ type: 'write' });
  const key = lockKey(options.schema);
  try {
    await acquire(connection, key, options);
    try {
      return await fn();
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, key]).catch(() => undefined);
    }
  } finally {
    manager.releaseConnection(connection);
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sequelize, Transaction } from 'sequelize';

type Store = Map<string, unknown>;

/**
 * The CLS namespace Sequelize asks for (`run`, `get`, `set`, `bind`), built on AsyncLocalStorage.
 * With it, every query a migration makes without naming a transaction joins the migration's one.
 */
class TransactionContext {
  private readonly storage = new AsyncLocalStorage<Store>();

  run<T>(fn: (store: Store) => T): T {
    const store: Store = new Map(this.storage.getStore());
    return this.storage.run(store, () => fn(store));
  }

  get(key: string): unknown {
    return this.storage.getStore()?.get(key);
  }

  set(key: string, value: unknown): void {
    this.storage.getStore()?.set(key, value);
  }

  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    const store = this.storage.getStore();
    if (!store) return fn;
    return ((...args: Parameters<F>) => this.storage.run(store, () => fn(...args))) as F;
  }
}

const context = new TransactionContext();

/** The Sequelize class as updown uses it: the project's own copy (see connection.ts). */
export interface SequelizeClass {
  useCLS(namespace: unknown): unknown;
  _cls?: unknown;
}

/** Sequelize's CLS switch is static: one namespace per copy of Sequelize, set once. */
export function enableTransactionContext(Class: SequelizeClass): void {
  if (Class._cls !== context) Class.useCLS(context);
}

/** Runs `fn` with `transaction` as the implicit one for every query it makes (null: none). */
export function withImplicitTransaction<T>(transaction: Transaction | null, fn: () => Promise<T>): Promise<T> {
  return context.run((store) => {
    store.set('transaction', transaction);
    return fn();
  });
}

/** The transaction queries made here join implicitly, if any. */
export function implicitTransaction(): Transaction | null {
  return (context.get('transaction') as Transaction | null | undefined) ?? null;
}

type TransactionFn = (options?: unknown, callback?: unknown) => Promise<unknown>;

/**
 * A migration that opens its own transaction (`sequelize.transaction(async (t) => …)`, or
 * `await sequelize.transaction()`), a habit of sequelize-cli and Umzug histories, would otherwise
 * get a second connection that waits for the locks of the file's own transaction: a self-deadlock.
 * Here it becomes a savepoint of the file's transaction on the same connection, so the file stays
 * atomic. Outside a file (no implicit transaction) nothing changes.
 */
export function joinFileTransactions(sequelize: Sequelize): void {
  const marked = sequelize as Sequelize & { updownJoins?: boolean };
  if (marked.updownJoins) return;
  marked.updownJoins = true;
  const original = sequelize.transaction.bind(sequelize) as TransactionFn;
  (sequelize as unknown as { transaction: TransactionFn }).transaction = (options?: unknown, callback?: unknown) => {
    if (typeof options === 'function') return (sequelize.transaction as TransactionFn)(undefined, options);
    const parent = implicitTransaction();
    const given = (options ?? {}) as { transaction?: Transaction | null };
    if (!parent || 'transaction' in given) return original(options, callback);
    return original({ ...given, transaction: parent }, callback);
  };
}

interface Internals {
  finished?: string;
  parent?: Transaction;
  connection?: { query(sql: string): Promise<unknown>; uuid?: string };
  cleanup(): void;
  _clearCls(): void;
  savepoints: Transaction[];
  name: string;
  id: string;
}

const internalsOf = (transaction: Transaction) => transaction as unknown as Internals;
const savepointName = (transaction: Transaction) => `"${internalsOf(transaction).name.replace(/"/g, '""')}"`;

/** A file's transaction (or a savepoint of `within`), begun by Sequelize on a connection of its pool. */
export function begin(sequelize: Sequelize, within?: Transaction): Promise<Transaction> {
  return sequelize.transaction({ transaction: within ?? null } as never as { transaction?: Transaction });
}

/**
 * Commits a transaction without Sequelize's own commit, which on failure prints a warning and
 * destroys the connection. A COMMIT that fails (a deferred constraint) has been rolled back by
 * PostgreSQL: the connection is healthy and goes back to the pool. A savepoint is released.
 *
 * With `beginNext`, the same round trip begins the next file's transaction (`COMMIT; START
 * TRANSACTION`, or `RELEASE SAVEPOINT a; SAVEPOINT b`), returned on the same connection: one
 * round trip per file fewer, the commit itself unchanged. When the COMMIT fails, PostgreSQL skips
 * the rest of the query string and nothing is begun.
 */
export async function commitQuietly(sequelize: Sequelize, transaction: Transaction, beginNext = false): Promise<Transaction | undefined> {
  const internals = internalsOf(transaction);
  // Straight to the transaction's connection: nothing for Sequelize's query path to add.
  const connection = internals.connection!;
  const next = beginNext ? unbegun(sequelize, transaction) : undefined;
  if (internals.parent) {
    try {
      await connection.query(`RELEASE SAVEPOINT ${savepointName(transaction)}${next ? `; SAVEPOINT ${savepointName(next)}` : ''}`);
    } catch (error) {
      if (next) internalsOf(internals.parent).savepoints.pop();
      throw error;
    }
    if (next) internalsOf(next).connection = connection;
    return next;
  }
  let begun = false;
  try {
    await connection.query(next ? 'COMMIT; START TRANSACTION' : 'COMMIT');
    begun = next !== undefined;
  } finally {
    internals.finished = 'commit';
    if (begun) {
      // The connection stays out of the pool: it now carries the next file's transaction.
      internals._clearCls();
      internalsOf(next!).connection = connection;
      connection.uuid = internalsOf(next!).id;
    } else internals.cleanup();
  }
  return next;
}

/** The transaction object for the one a commit will begin: Sequelize's own class, not yet on a connection. */
function unbegun(sequelize: Sequelize, previous: Transaction): Transaction {
  const Class = previous.constructor as new (sequelize: Sequelize, options: { transaction: Transaction | null }) => Transaction;
  return new Class(sequelize, { transaction: internalsOf(previous).parent ?? null });
}

/** Whether `transaction` is a savepoint of `within` (or, without `within`, a transaction of its own). */
export function isScopedTo(transaction: Transaction, within: Transaction | undefined): boolean {
  return (internalsOf(transaction).parent ?? undefined) === within;
}

/** A transaction begun for a file that did not come (the run stopped first): ended, its connection back in the pool. */
export async function discardBegun(transaction: Transaction): Promise<void> {
  const internals = internalsOf(transaction);
  if (internals.finished) return;
  try {
    await internals.connection!.query(internals.parent ? `RELEASE SAVEPOINT ${savepointName(transaction)}` : 'ROLLBACK');
  } finally {
    internals.finished = 'rollback';
    internals.cleanup();
  }
}

/** Rolls back a transaction (or to its savepoint); an error here is the caller's to report. */
export async function rollback(transaction: Transaction): Promise<void> {
  if (internalsOf(transaction).finished) return;
  await transaction.rollback();
}

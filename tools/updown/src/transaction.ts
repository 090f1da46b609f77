/**
 * A transaction's life, in one place: the implicit transaction every query of a file joins (CLS),
 * a file's own `sequelize.transaction()` as a savepoint of it, and begin → commit (the tracking
 * row, the COMMIT and the next file's BEGIN in one round trip) or rollback. Sequelize's own
 * commit is not used: on failure it prints a warning and destroys a healthy connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sequelize, Transaction } from 'sequelize';
import type { RowWrite } from './storage';

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
    // A savepoint needs its parent's connection: the previous file's COMMIT may still be beginning it.
    const begun = beginning.get(parent);
    const join = () => original({ ...given, transaction: parent }, callback);
    return begun ? begun.then(join) : join();
  };
}

/** Transactions a COMMIT on its way will begin (sendCommit): they have no connection until it lands. */
const beginning = new WeakMap<Transaction, Promise<unknown>>();

/** The pg client under a Sequelize transaction, as this file uses it. */
interface PgClient {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  uuid?: string;
  /** pg's pipeline mode (recent 8.x): queries are written without waiting for the previous one's answer. */
  pipeline?: boolean;
  /** pg's wire connection and its socket. */
  connection?: { stream?: { cork(): void; uncork(): void } };
}

interface Internals {
  finished?: string;
  parent?: Transaction;
  connection?: PgClient;
  cleanup(): void;
  _clearCls(): void;
  savepoints: Transaction[];
  name: string;
  id: string;
}

const internalsOf = (transaction: Transaction) => transaction as unknown as Internals;

/** The pg client a transaction runs on, for a statement with nothing for Sequelize's query path to add. */
export const connectionOf = (transaction: Transaction): PgClient | undefined => internalsOf(transaction).connection;
const savepointName = (transaction: Transaction) => `"${internalsOf(transaction).name.replace(/"/g, '""')}"`;

/** A file's transaction (or a savepoint of `within`), begun by Sequelize on a connection of its pool. */
export function begin(sequelize: Sequelize, within?: Transaction): Promise<Transaction> {
  return sequelize.transaction({ transaction: within ?? null } as never as { transaction?: Transaction });
}

export interface CommitOptions {
  /** The file's tracking row, sent ahead of the COMMIT in the same round trip. */
  along?: RowWrite;
  /** Begin the next file's transaction in the same round trip too. */
  beginNext?: boolean;
}

/** The statement sent `along` failed: nothing was committed (the caller rolls back what is left). */
export class RowNotWritten extends Error {
  constructor(cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
  }
}

interface Sent {
  alongError?: unknown;
  endingError?: unknown;
  /** Both were written at once: after a failed `along`, the ending statement still ran. */
  pipelined: boolean;
}

/**
 * `along`, then the statement that ends the transaction. With pg's pipeline mode both are written
 * at once, each with its own Sync: when `along` fails, PostgreSQL still runs the COMMIT, in an
 * aborted transaction, where it rolls back. A pg without that mode sends them one after the other.
 */
async function send(connection: PgClient, along: RowWrite | undefined, ending: string): Promise<Sent> {
  if (!along) return connection.query(ending).then(() => ({ pipelined: false }), (endingError: unknown) => ({ endingError, pipelined: false }));
  // Another owner's pipeline mode is left as it is, and this pair goes one statement at a time.
  if (typeof connection.pipeline !== 'boolean' || connection.pipeline) {
    try {
      await connection.query(along.sql, along.bind);
    } catch (alongError) {
      return { alongError, pipelined: false };
    }
    return send(connection, undefined, ending);
  }
  connection.pipeline = true;
  try {
    // One write for both (pg writes each query as it is queued): a syscall less per file.
    const stream = connection.connection?.stream;
    stream?.cork();
    let sent: [Promise<unknown>, Promise<unknown>];
    try {
      sent = [connection.query(along.sql, along.bind), connection.query(ending)];
    } finally {
      stream?.uncork();
    }
    const [row, end] = await Promise.allSettled(sent);
    return { ...(row.status === 'rejected' ? { alongError: row.reason } : {}), ...(end.status === 'rejected' ? { endingError: end.reason } : {}), pipelined: true };
  } finally {
    connection.pipeline = false;
  }
}

/** A COMMIT on its way: the transaction it begins (with `beginNext`) and its outcome. */
export interface SentCommit {
  /** The next file's transaction; it exists on the server once `landed` resolves. */
  next: Transaction | undefined;
  /** Resolves with `next` once the COMMIT has landed; rejects as commitQuietly would throw. */
  landed: Promise<Transaction | undefined>;
}

/**
 * Commits a transaction without Sequelize's own commit, which on failure prints a warning and
 * destroys the connection. A COMMIT that fails (a deferred constraint) has been rolled back by
 * PostgreSQL: the connection is healthy and goes back to the pool. A savepoint is released.
 *
 * One round trip carries the file's tracking row (`along`), the COMMIT, and with `beginNext` the
 * next file's transaction (`COMMIT; START TRANSACTION`, or `RELEASE SAVEPOINT a; SAVEPOINT b`),
 * returned on the same connection; the commit itself is unchanged. When the COMMIT fails,
 * PostgreSQL skips the rest of its query string and nothing is begun.
 */
export async function commitQuietly(sequelize: Sequelize, transaction: Transaction, options: CommitOptions = {}): Promise<Transaction | undefined> {
  return sendCommit(sequelize, transaction, options).landed;
}

/**
 * commitQuietly without waiting: the next transaction's object is returned at once, so the next
 * file's JavaScript can run while the server flushes this COMMIT. Nothing may be sent on `next`
 * before `landed` resolves; when it rejects, `next` was never begun and is marked ended.
 */
export function sendCommit(sequelize: Sequelize, transaction: Transaction, { along, beginNext = false }: CommitOptions = {}): SentCommit {
  const next = beginNext ? unbegun(sequelize, transaction) : undefined;
  const landed = (internalsOf(transaction).parent ? releaseSavepoint : commitTransaction)(transaction, along, next);
  landed.catch(() => {
    if (next) internalsOf(next).finished = 'rollback';
  });
  if (next) beginning.set(next, landed);
  return { next, landed };
}

async function releaseSavepoint(transaction: Transaction, along: RowWrite | undefined, next: Transaction | undefined): Promise<Transaction | undefined> {
  const internals = internalsOf(transaction);
  const connection = internals.connection!;
  const { alongError, endingError } = await send(connection, along, `RELEASE SAVEPOINT ${savepointName(transaction)}${next ? `; SAVEPOINT ${savepointName(next)}` : ''}`);
  if (alongError !== undefined || endingError !== undefined) {
    if (next) internalsOf(internals.parent!).savepoints.pop();
    // The savepoint is still there (its RELEASE failed in the aborted transaction): the caller rolls back to it.
    throw alongError !== undefined ? new RowNotWritten(alongError) : endingError;
  }
  if (next) internalsOf(next).connection = connection;
  return next;
}

async function commitTransaction(transaction: Transaction, along: RowWrite | undefined, next: Transaction | undefined): Promise<Transaction | undefined> {
  const internals = internalsOf(transaction);
  // Straight to the transaction's connection: nothing for Sequelize's query path to add.
  const connection = internals.connection!;
  const { alongError, endingError, pipelined } = await send(connection, along, next ? 'COMMIT; START TRANSACTION' : 'COMMIT');
  // Sent one after the other, a failed row left the transaction open (and aborted): the caller rolls it back.
  if (alongError !== undefined && !pipelined) throw new RowNotWritten(alongError);
  // Pipelined, the COMMIT behind a failed row ran as a ROLLBACK.
  internals.finished = alongError === undefined ? 'commit' : 'rollback';
  if (alongError !== undefined || endingError !== undefined || !next) {
    // The transaction that COMMIT then began is not wanted.
    if (alongError !== undefined && next && endingError === undefined) await connection.query('ROLLBACK').catch(() => undefined);
    internals.cleanup();
    if (alongError !== undefined) throw new RowNotWritten(alongError);
    if (endingError !== undefined) throw endingError;
    return undefined;
  }
  // The connection stays out of the pool: it now carries the next file's transaction.
  internals._clearCls();
  internalsOf(next).connection = connection;
  connection.uuid = internalsOf(next).id;
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

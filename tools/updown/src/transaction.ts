import { AsyncLocalStorage } from 'node:async_hooks';
import { Sequelize, type Transaction } from 'sequelize';

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

/** Sequelize's CLS switch is static: one namespace for the whole process, set once. */
export function enableTransactionContext(): void {
  const current = (Sequelize as unknown as { _cls?: unknown })._cls;
  if (current !== context) Sequelize.useCLS(context as never);
}

/**
 * The transaction of the migration in flight. updown runs one migration at a time per stream, so
 * the storage finds the transaction to record into here, after `up` has returned.
 */
export class MigrationTransaction {
  private current: Transaction | null = null;

  constructor(private readonly sequelize: Sequelize) {}

  /** The open transaction, or null when none is (a `transaction = false` file). */
  get transaction(): Transaction | null {
    return this.current;
  }

  async begin(): Promise<Transaction> {
    if (this.current) throw new Error('a migration transaction is already open');
    this.current = await this.sequelize.transaction();
    return this.current;
  }

  /** Runs `fn` with `transaction` as the implicit one for every query it makes. */
  run<T>(transaction: Transaction | null, fn: () => Promise<T>): Promise<T> {
    return context.run((store) => {
      store.set('transaction', transaction);
      return fn();
    });
  }

  async commit(): Promise<void> {
    const transaction = this.take();
    if (transaction) await transaction.commit();
  }

  /** Rolls back what is open; safe to call when nothing is. */
  async rollback(): Promise<void> {
    const transaction = this.take();
    if (transaction) await transaction.rollback();
  }

  private take(): Transaction | null {
    const transaction = this.current;
    this.current = null;
    return transaction;
  }
}

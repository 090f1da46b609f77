/**
 * A trial: one transaction on the session's database in which files run up and down (each as a
 * savepoint, with its tracking row), and which can go back to any point marked in it. `verify`
 * runs each file's round trip in one: after a down that fails or leaves something behind, going
 * back to the mark taken after `up` restores that state without a clone or a replay.
 */
import type { Transaction } from 'sequelize';
import type { Queryable } from './schema/snapshot';
import type { Session } from './session';
import type { Stream } from './stream';
import { commitQuietly, rollback } from './transaction';
import type { Direction, RunResult } from './types';

export interface TrialMark {
  readonly savepoint: Transaction;
}

export interface Trial {
  /** Runs one file of the stream, by name, inside the trial. Failures are returned, not thrown. */
  run(direction: Direction, name: string): Promise<RunResult>;
  /** The state now, to come back to. */
  mark(): Promise<TrialMark>;
  back(mark: TrialMark): Promise<void>;
  /** The trial's own connection: what it reads includes what the trial has done. */
  db: Queryable;
}

/** `keep`: commit what the trial holds at its end (else it is rolled back). */
export async function withTrial<T>(session: Session, stream: Stream, fn: (trial: Trial) => Promise<{ value: T; keep: boolean }>): Promise<T> {
  const { sequelize } = session;
  const transaction = await sequelize.transaction({ transaction: null } as never as { transaction?: Transaction });
  const connection = (transaction as unknown as { connection: Queryable }).connection;
  const files = new Map(stream.files().map((file) => [file.name, file]));
  const trial: Trial = {
    db: connection,
    run: async (direction, name) => {
      const started = Date.now();
      const executed: RunResult['executed'] = [];
      try {
        await stream.run(direction, [files.get(name)!], (item) => executed.push(item), transaction);
        return { success: true, executed, errors: [], durationMs: Date.now() - started };
      } catch (error) {
        return { success: false, executed, errors: [error instanceof Error ? error : new Error(String(error))], durationMs: Date.now() - started };
      }
    },
    mark: async () => ({ savepoint: await sequelize.transaction({ transaction } as never as { transaction?: Transaction }) }),
    back: async (mark) => mark.savepoint.rollback(),
  };
  let outcome: { value: T; keep: boolean };
  try {
    outcome = await fn(trial);
  } catch (error) {
    await rollback(transaction).catch(() => undefined);
    throw error;
  }
  if (outcome.keep) await commitQuietly(sequelize, transaction);
  else await rollback(transaction);
  return outcome.value;
}

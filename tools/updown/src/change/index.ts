/**
 * Reversible `change` migrations: a module exports `change` instead of `up`/`down`. `up` runs it;
 * `down` runs it against a recorder (no query reaches the database), inverts the recorded calls
 * with the table in ./inversions.ts, and replays the inverses newest first. A call that cannot be
 * inverted refuses the whole file before any inverse runs.
 */
import type { QueryInterface } from 'sequelize';
import { InvalidMigrationError, RefusedError } from '../errors';
import type { MigrationFile } from '../plan';
import type { Migration, MigrationContext, MigrationModule } from '../types';
import { DROP_ENUM_FOR, describeCall, invert, type Call } from './inversions';
import { forwardingContext, recordingContext } from './recorder';

export type { Change, ChangeContext, ChangeQueryInterface } from './types';
export type { Call } from './inversions';

type Params = Parameters<Migration>[0];

/** A `change` that cannot be derived a down from. Exit 2: nothing was reverted. */
export class IrreversibleChangeError extends RefusedError {
  constructor(
    readonly migration: string,
    readonly file: string,
    /** The offending call as written, e.g. `removeColumn('users', 'nickname')`. */
    readonly call: string,
    reason: string,
  ) {
    super(`${file}: ${call} cannot be reversed: ${reason}. updown did not revert this file.`);
  }
}

/**
 * Records what `change` does (nothing reaches the database) and returns the calls that undo it,
 * in the order they must run. Throws IrreversibleChangeError naming the first call that cannot be
 * undone, or InvalidMigrationError when `change` itself throws while being recorded.
 */
export async function inverseOf(file: MigrationFile, change: Migration, params: Params): Promise<Call[]> {
  const calls: Call[] = [];
  let failure: unknown;
  try {
    await change({ ...params, context: recordingContext(params.context, calls) });
  } catch (error) {
    failure = error;
  }
  // The first refusal in file order; it also explains a failure caused by using a recorded result.
  const inverses: Call[][] = [];
  for (const recorded of calls) {
    const inverse = invert(recorded);
    if (typeof inverse === 'string') throw new IrreversibleChangeError(file.name, file.path, describeCall(recorded), inverse);
    inverses.push(inverse);
  }
  if (failure !== undefined) {
    const reason = failure instanceof Error ? failure.message : String(failure);
    throw new InvalidMigrationError(
      file.name,
      file.path,
      `change() threw while updown recorded it to derive down(): ${reason}. ` +
        'A change() may only call queryInterface methods, without using what they return; or write up() and down() instead',
      failure,
    );
  }
  return inverses.reverse().flat();
}

/** Runs inverse calls, in order, on the real queryInterface (in the file's transaction). */
export async function replay(queryInterface: QueryInterface, calls: Call[]): Promise<void> {
  for (const { method, args } of calls) {
    if (method === DROP_ENUM_FOR) {
      // The exact name (and schema) Sequelize gave the type when it created it for table.column.
      const generator = queryInterface.queryGenerator as { pgEnumDrop(table: unknown, column: unknown): string };
      await queryInterface.sequelize.query(generator.pgEnumDrop(args[0], args[1]), { raw: true });
      continue;
    }
    const operation = (queryInterface as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
    await operation.apply(queryInterface, args);
  }
}

/**
 * The module the engine runs for a file that exports `change`: `up` runs it for real; `down`
 * derives its inverse first (refusing before any query when it cannot), then replays it.
 * `change` stays on the module, so the engine can call checkReversible at plan time.
 */
export function fromChange(file: MigrationFile, module: MigrationModule): MigrationModule {
  const { change } = module;
  if (typeof change !== 'function') throw new InvalidMigrationError(file.name, file.path, 'exports a `change` that is not a function');
  if (module.up !== undefined || module.down !== undefined) {
    throw new InvalidMigrationError(
      file.name,
      file.path,
      'exports change() together with up()/down(): keep change() (updown derives down() from it) or up() and down(), not both',
    );
  }
  const up: Migration = (params) => change({ ...params, context: forwardingContext(params.context) });
  const down: Migration = async (params) => {
    const inverse = await inverseOf(file, change, params);
    await replay(params.context.queryInterface, inverse);
  };
  return { ...module, up, down };
}

/**
 * Plan-time check for going down: resolves when the file can be reverted, throws
 * IrreversibleChangeError (exit 2) naming the file and the call when its `change` cannot. Files
 * with hand-written up/down pass (their missing `down` is the engine's own check). Runs no query.
 */
export async function checkReversible(file: MigrationFile, module: MigrationModule, context: MigrationContext): Promise<void> {
  if (typeof module.change !== 'function') return;
  await inverseOf(file, module.change, { name: file.name, path: file.path, context });
}

/** The same check as a value: why the file cannot be reverted, or undefined when it can. */
export async function irreversibleReason(file: MigrationFile, module: MigrationModule, context: MigrationContext): Promise<string | undefined> {
  try {
    await checkReversible(file, module, context);
    return undefined;
  } catch (error) {
    if (error instanceof RefusedError) return error.message;
    throw error;
  }
}

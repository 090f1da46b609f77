import { CommanderError } from 'commander';
import { ConnectError, InterruptedError, LockTimeoutError, RefusedError } from '../errors';

/** The contract's exit codes; they never change meaning. */
export const EXIT = {
  ok: 0,
  failed: 1,
  refused: 2,
  lockTimeout: 3,
  cannotConnect: 4,
  /** 128 + the signal's number, as shells report it. */
  interrupted: 130,
  terminated: 143,
} as const;

/** The one place an error becomes an exit code. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof RefusedError) return EXIT.refused;
  if (error instanceof LockTimeoutError) return EXIT.lockTimeout;
  if (error instanceof ConnectError) return EXIT.cannotConnect;
  if (error instanceof InterruptedError) return error.signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.refused;
  return EXIT.failed; // a migration failed (MigrationFailedError), or something unexpected
}

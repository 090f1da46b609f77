import { CommanderError } from 'commander';
import { ConnectError, InterruptedError, LockTimeoutError, RefusedError } from '../errors';
import type { FanoutResult } from '../tenants/types';

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

/**
 * A run over many tenants: interrupted first (the user stopped it), then 2 if any tenant was
 * refused, 1 if any failed, 3 if any was skipped for its lock, else 0 (the contract's order).
 */
export function tenantExitCode(result: FanoutResult): number {
  const first = (state: string) => result.tenants.find((tenant) => tenant.state === state);
  if (result.interrupted) return result.interrupted === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  if (first('refused')) return EXIT.refused;
  if (first('failed')) return EXIT.failed;
  if (first('skipped-locked')) return EXIT.lockTimeout;
  return EXIT.ok;
}

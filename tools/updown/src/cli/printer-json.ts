/**
 * `--json`: one document on stdout and nothing else there; notes and warnings go to stderr. The
 * documents' fields are the contract's (README "--json"): added to, never renamed.
 */
import pc from 'picocolors';
import type { RepairResult } from '../repair';
import type { LockHolder, Logger, RunResult, StatusResult } from '../types';
import { errorJson, WARNING_PREFIX, lockWaitLine, type Io, type Printer } from './output';

export class JsonPrinter implements Printer {
  readonly json = true;

  constructor(private readonly io: Io) {}

  private document(doc: Record<string, unknown>): void {
    this.io.stdout(`${JSON.stringify(doc)}\n`);
  }

  readonly logger: Logger = {
    info: (message) => this.io.stderr(`${message}\n`),
    warn: (message) => this.io.stderr(`${pc.yellow(WARNING_PREFIX)} ${message}\n`),
  };

  // What is running, and each file as it ends, are in the document at the end.
  activity = (): void => undefined;
  started = (): void => undefined;
  executed = (): void => undefined;
  preview = (): void => undefined;

  lockWait = (holder: LockHolder | undefined): void => this.io.stderr(`${lockWaitLine(holder)}\n`);

  result(result: RunResult): void {
    const [error] = result.errors;
    this.document({
      ok: result.success,
      executed: result.executed.map(({ name, direction, durationMs, stream }) => ({ name, direction, durationMs, stream })),
      durationMs: result.durationMs,
      ...(result.preview ? { dryRun: true, preview: result.preview } : {}),
      ...(error ? { error: errorJson(error) } : {}),
    });
  }

  status(result: StatusResult): void {
    const items = result.items.map(({ name, state, appliedAt, outOfOrder, skipped, reason }) => ({
      name,
      state,
      ...(appliedAt ? { appliedAt: appliedAt.toISOString() } : {}),
      ...(outOfOrder ? { outOfOrder } : {}),
      ...(skipped ? { skipped } : {}),
      ...(reason ? { reason } : {}),
    }));
    this.document({ ok: result.success, items });
  }

  error(error: Error): void {
    this.document({ ok: false, executed: [], error: errorJson(error) });
  }

  repaired(result: RepairResult): void {
    const { success, action, name, previousChecksum, checksum } = result;
    const [error] = result.errors;
    this.document({ ok: success, action, name, previousChecksum, checksum, ...(error ? { error: errorJson(error) } : {}) });
  }

  created(file: string): void {
    this.document({ ok: true, file });
  }
}

import { resolveOptions, type CommandFlags, type ResolvedOptions } from '../config';
import { ensureDatabase, urlForDatabase } from '../database';
import { EmbeddedUnavailableError, startEmbedded } from '../embedded';
import { UsageError } from '../errors';
import type { RunOptions, StreamKind } from '../types';
import type { Printer } from './output';

/**
 * Resolves the options and runs `fn` against the database: the given URL, or else the project's
 * embedded PostgreSQL, started for this command only and stopped when it ends.
 */
export async function withTarget<T>(
  kind: StreamKind,
  flags: CommandFlags & { signal?: AbortSignal },
  printer: Printer,
  fn: (options: RunOptions, resolved: ResolvedOptions) => Promise<T>,
): Promise<T> {
  const resolved = resolveOptions(kind, flags, printer.logger);
  const base = { ...resolved.options, signal: flags.signal, onExecuted: printer.executed, onLockWait: printer.lockWait };
  if (base.url) return fn({ ...base, url: base.url }, resolved);
  const embedded = resolved.embedded!;
  const server = await startEmbedded({ dataDir: embedded.dataDir, log: (message) => printer.logger.info(message) }).catch((error: unknown) => {
    // Not installed is a usage problem (exit 2, no stack trace), not a failed migration.
    throw error instanceof EmbeddedUnavailableError ? new UsageError(error.message) : error;
  });
  try {
    const url = urlForDatabase(server.url, embedded.database);
    await ensureDatabase(url);
    return await fn({ ...base, url }, resolved);
  } finally {
    await server.stop();
  }
}

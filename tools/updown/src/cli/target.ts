import { resolveOptionsAsync, type CommandFlags, type ProjectSource, type ResolvedOptions } from '../config';
import { checkDatabaseUrl, maskUrl } from '../connection';
import { ensureDatabase, urlForDatabase } from '../database';
import { EmbeddedUnavailableError, startEmbedded } from '../embedded';
import { UsageError } from '../errors';
import type { RunOptions, StreamKind } from '../types';
import type { Printer } from './output';

/** "database postgres://app:****@db/app (from DATABASE_URL)": which database a command changes, password masked. */
export function targetLine(url: string, source: string | undefined): string {
  return `database ${maskUrl(url)}${source ? ` (from ${source})` : ''}`;
}

/** Says so when a sequelize-cli project (not updown.config.ts) decided the folders and tables. */
function projectLine(source: ProjectSource): string | undefined {
  if (source.kind !== 'sequelize-cli') return undefined;
  return `sequelize-cli project ${source.project.root} (environment ${source.project.environment})`;
}

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
  const resolved = await resolveOptionsAsync(kind, flags, printer.logger);
  if (resolved.options.url !== undefined) checkDatabaseUrl(resolved.options.url, resolved.urlSource);
  const base = { ...resolved.options, signal: flags.signal, onExecuted: printer.executed, onStarted: printer.started, onLockWait: printer.lockWait };
  const project = projectLine(resolved.source);
  if (project) printer.logger.info(project);
  if (base.url) {
    printer.logger.info(targetLine(base.url, resolved.urlSource));
    return fn({ ...base, url: base.url }, resolved);
  }
  const embedded = resolved.embedded!;
  const server = await startEmbedded({ dataDir: embedded.dataDir, log: (message) => printer.logger.info(message) }).catch((error: unknown) => {
    // Not installed is a usage problem (exit 2, no stack trace), not a failed migration.
    throw error instanceof EmbeddedUnavailableError ? new UsageError(error.message) : error;
  });
  try {
    const url = urlForDatabase(server.url, embedded.database);
    printer.logger.info(targetLine(url, `the embedded PostgreSQL in ${embedded.dataDir}`));
    await ensureDatabase(url);
    return await fn({ ...base, url }, resolved);
  } finally {
    await server.stop();
  }
}

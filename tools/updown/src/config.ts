import fs from 'node:fs';
import path from 'node:path';
import { parseDuration } from './duration';
import { UsageError } from './errors';
import { registerTypeScript } from './typescript';
import type { Logger, RunOptions, StreamKind, UpdownConfig } from './types';

export const CONFIG_FILES = ['updown.config.ts', 'updown.config.js'];
export const DEFAULT_LOCK_TIMEOUT = '60s';
/** PostgreSQL's lock_timeout for each file: long enough for a busy table, short enough not to queue traffic. */
export const DEFAULT_DDL_LOCK_TIMEOUT = '5s';
export const DEFAULT_STATEMENT_TIMEOUT = '15m';
export const DEFAULT_LOCK_RETRIES = 3;

/** Flags every command takes; undefined means "not given". */
export interface CommandFlags {
  url?: string;
  schema?: string;
  dir?: string;
  env?: string;
  lockTimeout?: string;
  /** PostgreSQL lock_timeout for each file (55P03 past it, then retried). */
  ddlLockTimeout?: string;
  statementTimeout?: string;
  lockRetries?: number;
  allowProduction?: boolean;
  config?: string;
}

export interface LoadedConfig {
  config: UpdownConfig;
  file: string;
  /** Relative paths in the config are taken from here. */
  dir: string;
}

/** Where to start an embedded PostgreSQL when no URL is given. */
export interface EmbeddedTarget {
  dataDir: string;
  database: string;
}

export interface ResolvedOptions {
  /** Everything but the URL, which may still have to come from the embedded server. */
  options: Omit<RunOptions, 'url'> & { url?: string };
  seedsDir?: string;
  embedded?: EmbeddedTarget;
}

export function findConfig(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const found = CONFIG_FILES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
    if (found) return found;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function loadConfig(file: string): LoadedConfig {
  registerTypeScript();
  let loaded: { default?: UpdownConfig } & UpdownConfig;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path.resolve(file));
  } catch (error) {
    throw new UsageError(`${file} cannot be loaded: ${(error as Error).message}`);
  }
  const config = loaded.default ?? loaded;
  if (!config?.migrations?.dir) {
    throw new UsageError(`${file} must export default { migrations: { dir: '…' } } (see UpdownConfig)`);
  }
  return { config, file, dir: path.dirname(path.resolve(file)) };
}

function streamDir(kind: StreamKind, flags: CommandFlags, loaded: LoadedConfig | undefined, cwd: string): string {
  if (flags.dir) return path.resolve(cwd, flags.dir);
  const configured = loaded?.config[kind]?.dir;
  if (configured && loaded) return path.resolve(loaded.dir, configured);
  if (loaded) throw new UsageError(`${loaded.file} names no folder for ${kind}: add \`${kind}: { dir: '…' }\` or pass --dir`);
  throw new UsageError(`no --dir given and no ${CONFIG_FILES[0]} found from ${cwd} upwards: pass --dir (and --url)`);
}

function durationMs(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag} ${text}: not a duration (use e.g. 500ms, 30s, 5m)`);
  return ms;
}

/** The stream's folder alone (for `create`, which needs no database). */
export function resolveDir(kind: StreamKind, flags: CommandFlags, cwd: string = process.cwd()): string {
  const configFile = flags.config ? path.resolve(cwd, flags.config) : flags.dir ? undefined : findConfig(cwd);
  return streamDir(kind, flags, configFile ? loadConfig(configFile) : undefined, cwd);
}

/**
 * Options from flags, then environment, then updown.config.ts, then defaults: the one place
 * where precedence and defaults live.
 */
export function resolveOptions(
  kind: StreamKind,
  flags: CommandFlags,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ResolvedOptions {
  const configFile = flags.config ? path.resolve(cwd, flags.config) : flags.dir ? undefined : findConfig(cwd);
  const loaded = configFile ? loadConfig(configFile) : undefined;
  const url = flags.url ?? (env.DATABASE_URL || undefined);
  const embedded =
    !url && loaded?.config.embedded
      ? {
          dataDir: path.resolve(loaded.dir, loaded.config.embedded.dataDir),
          database: loaded.config.embedded.database ?? 'updown_development',
        }
      : undefined;
  if (!url && !embedded) {
    throw new UsageError('no database given: pass --url, set DATABASE_URL, or configure `embedded` in updown.config.ts');
  }
  const schema = flags.schema ?? (env.DATABASE_SCHEMA || undefined) ?? loaded?.config.schema ?? 'public';
  if (schema.length === 0 || schema.length > 63) throw new UsageError(`--schema "${schema}": a schema name has 1 to 63 characters`);
  const seedsDir = loaded?.config.seeds ? streamDir('seeds', {}, loaded, cwd) : undefined;
  return {
    options: {
      url,
      schema,
      kind,
      dir: streamDir(kind, flags, loaded, cwd),
      env: flags.env ?? (env.NODE_ENV || undefined) ?? 'development',
      lockTimeoutMs: durationMs('--lock-timeout', flags.lockTimeout ?? (env.UPDOWN_LOCK_TIMEOUT || DEFAULT_LOCK_TIMEOUT)),
      timeouts: {
        lockMs: durationMs('--ddl-lock-timeout', flags.ddlLockTimeout ?? loaded?.config.timeouts?.lock ?? DEFAULT_DDL_LOCK_TIMEOUT),
        statementMs: durationMs('--statement-timeout', flags.statementTimeout ?? loaded?.config.timeouts?.statement ?? DEFAULT_STATEMENT_TIMEOUT),
      },
      lockRetries: flags.lockRetries ?? loaded?.config.lockRetries ?? DEFAULT_LOCK_RETRIES,
      allowProduction: flags.allowProduction ?? false,
      logger,
    },
    seedsDir,
    embedded,
  };
}

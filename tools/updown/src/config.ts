import fs from 'node:fs';
import path from 'node:path';
import {
  databaseUrl,
  locateLayout,
  readRc,
  readSequelizeProject,
  readSequelizeProjectSync,
  UPDOWN_CONFIG_FILES,
  type Layout,
  type SequelizeProject,
} from './adopt';
import { parseDuration } from './duration';
import { MODULE_FORMATS } from './format';
import { checkSqlLayout, resolveSqlLayout } from './sql/layout';
import { UsageError } from './errors';
import { checkLintConfig } from './lint/settings';
import { registerTypeScript } from './typescript';
import type { Logger, ModuleFormat, RunOptions, StreamConfig, StreamKind, StreamLayout, UpdownConfig } from './types';

export const CONFIG_FILES = UPDOWN_CONFIG_FILES;
export { MODULE_FORMATS };
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
  /** up/down/redo: every planned file in one transaction (default: the config's `singleTransaction`). */
  singleTransaction?: boolean;
  config?: string;
  /** The files' module shape, over the stream's own (checked against MODULE_FORMATS). */
  format?: string;
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

/** What the options were read from: flags alone (`--dir`), updown.config.ts, or a sequelize-cli project. */
export type ProjectSource =
  | { kind: 'flags' }
  | { kind: 'updown'; loaded: LoadedConfig }
  | { kind: 'sequelize-cli'; project: SequelizeProject };

export interface ResolvedOptions {
  /** Everything but the URL, which may still have to come from the embedded server. */
  options: Omit<RunOptions, 'url'> & { url?: string };
  seedsDir?: string;
  /** The seeds stream's layout, beside `seedsDir` (`db fresh` runs both streams). */
  seedsLayout?: StreamLayout;
  embedded?: EmbeddedTarget;
  /** Where the URL came from, e.g. `--url` or `DATABASE_URL` (never the URL itself). */
  urlSource?: string;
  source: ProjectSource;
}

/** The nearest updown.config.ts (or .js) from `from` upwards. */
export function findConfig(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const found = CONFIG_FILES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
    if (found) return found;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** A module format from a flag or a config field, refused (exit 2) unless it is one updown knows. */
export function parseFormat(value: unknown, where: string): ModuleFormat {
  if (MODULE_FORMATS.includes(value as ModuleFormat)) return value as ModuleFormat;
  throw new UsageError(`${where} ${JSON.stringify(value)} is not a module format: use one of ${MODULE_FORMATS.join(', ')}`);
}

const STREAM_KEYS = ['dir', 'format', 'context', 'table', 'tableSchema', 'tracked', 'noTransaction', 'tracking', 'column', 'environments'];

function checkIdentifier(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > 63) {
    throw new UsageError(`${where} must be a name of 1 to 63 characters, not ${JSON.stringify(value)}`);
  }
}

/** One stream of updown.config.ts: every layout field is checked, so a typo is an error, not a default. */
function checkStream(stream: unknown, where: string): void {
  if (typeof stream !== 'object' || stream === null) throw new UsageError(`${where} must be an object like { dir: '…' }`);
  const fields = stream as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !STREAM_KEYS.includes(key));
  if (unknown) throw new UsageError(`${where}.${unknown} is not a stream setting: use ${STREAM_KEYS.join(', ')}`);
  if (typeof fields.dir !== 'string' || fields.dir.length === 0) throw new UsageError(`${where}.dir must name the stream's folder`);
  const format = fields.format === undefined ? 'updown' : parseFormat(fields.format, `${where}.format`);
  if (fields.context !== undefined && !['queryInterface', 'sequelize'].includes(fields.context as string)) {
    throw new UsageError(`${where}.context ${JSON.stringify(fields.context)} must be "queryInterface" or "sequelize"`);
  }
  if (fields.context !== undefined && format !== 'umzug') {
    throw new UsageError(`${where}.context only applies to format 'umzug' (this stream's is '${format}'): remove it or set format: 'umzug'`);
  }
  checkIdentifier(fields.table, `${where}.table`);
  checkIdentifier(fields.tableSchema, `${where}.tableSchema`);
  if (fields.tracked !== undefined && typeof fields.tracked !== 'boolean') throw new UsageError(`${where}.tracked must be true or false`);
  const noTransaction = fields.noTransaction;
  if (noTransaction !== undefined && !(Array.isArray(noTransaction) && noTransaction.every((name) => typeof name === 'string'))) {
    throw new UsageError(`${where}.noTransaction must be a list of file names`);
  }
  checkIdentifier(fields.column, `${where}.column`);
  checkSqlLayout(fields, format, where);
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
  checkStream(config.migrations, `${file}: migrations`);
  if (config.seeds !== undefined) checkStream(config.seeds, `${file}: seeds`);
  checkLintConfig(config.lint, file);
  if (config.tenants !== undefined && typeof config.tenants !== 'function') {
    throw new UsageError(`${file}: tenants must be a function returning the tenant schemas' names, e.g. tenants: async ({ query }) => [...]`);
  }
  return { config, file, dir: path.dirname(path.resolve(file)) };
}

/** `--format`, checked; undefined when not given. */
export function formatFlag(flags: CommandFlags): ModuleFormat | undefined {
  return flags.format === undefined ? undefined : parseFormat(flags.format, '--format');
}

function locate(flags: CommandFlags, cwd: string): Layout | undefined {
  return locateLayout(flags, formatFlag(flags), cwd);
}

/** Reads the project the flags point at; awaits a sequelize-cli config.js that exports a promise or function. */
export async function readSource(flags: CommandFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<ProjectSource> {
  const layout = locate(flags, cwd);
  if (layout?.kind === 'sequelize-cli') return { kind: 'sequelize-cli', project: await readSequelizeProject(layout, flags.env, env) };
  return readSourceSync(flags, env, cwd, layout);
}

/** The same without awaiting (a config.js whose export needs awaiting is refused). */
export function readSourceSync(flags: CommandFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), layout = locate(flags, cwd)): ProjectSource {
  if (!layout) return { kind: 'flags' };
  if (layout.kind === 'updown') return { kind: 'updown', loaded: loadConfig(layout.file) };
  return { kind: 'sequelize-cli', project: readSequelizeProjectSync(layout, flags.env, env) };
}

/** The folder the project names for a stream; undefined when updown.config.ts has no such stream. */
export function sourceDir(kind: StreamKind, source: ProjectSource): string | undefined {
  if (source.kind === 'sequelize-cli') return kind === 'migrations' ? source.project.migrationsDir : source.project.seedersDir;
  if (source.kind !== 'updown' || !source.loaded.config[kind]) return undefined;
  return path.resolve(source.loaded.dir, source.loaded.config[kind]!.dir);
}

function streamDir(kind: StreamKind, flags: CommandFlags, source: ProjectSource, cwd: string): string {
  if (flags.dir) return path.resolve(cwd, flags.dir);
  const dir = sourceDir(kind, source);
  if (dir) return dir;
  if (source.kind === 'updown') throw new UsageError(`${source.loaded.file} names no folder for ${kind}: add \`${kind}: { dir: '…' }\` or pass --dir`);
  // Unreachable from the CLI: without --dir, locating the project has already found one.
  throw new UsageError(`no folder for ${kind}: pass --dir`);
}

function durationMs(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag} ${text}: not a duration (use e.g. 500ms, 30s, 5m)`);
  return ms;
}

/** The stream's folder alone (for `create`, which needs no database: a sequelize-cli config is not read). */
export function resolveDir(kind: StreamKind, flags: CommandFlags, cwd: string = process.cwd()): string {
  if (flags.dir) return path.resolve(cwd, flags.dir);
  const layout = locate(flags, cwd);
  if (layout?.kind === 'sequelize-cli') {
    const rc = readRc(layout);
    return kind === 'migrations' ? rc.migrationsDir : rc.seedersDir;
  }
  return streamDir(kind, flags, readSourceSync(flags, process.env, cwd, layout), cwd);
}

function configuredLayout(stream: StreamConfig | undefined): StreamLayout {
  if (!stream) return {};
  const { dir: _dir, ...layout } = stream;
  return layout;
}

/** The stream's layout: `--format` over the stream's own format, over updown's default. */
export function streamLayout(kind: StreamKind, source: ProjectSource, format: ModuleFormat | undefined): StreamLayout {
  const base =
    source.kind === 'updown' ? configuredLayout(source.loaded.config[kind]) : source.kind === 'sequelize-cli' ? source.project.layouts[kind] : {};
  return { ...base, format: format ?? base.format ?? 'updown' };
}

/**
 * Which database: `--url`, then the sequelize-cli project's own (`.sequelizerc` url, or the config
 * file's environment), then DATABASE_URL. Undefined when none names one.
 */
export function targetUrl(flags: CommandFlags, source: ProjectSource, env: NodeJS.ProcessEnv): { url?: string; urlSource?: string } {
  if (flags.url) return { url: flags.url, urlSource: '--url' };
  if (source.kind === 'sequelize-cli' && source.project.database) {
    const { url, source: from } = databaseUrl(source.project.database, env);
    return { url, urlSource: from };
  }
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, urlSource: 'DATABASE_URL' };
  return {};
}

function embeddedTarget(source: ProjectSource): EmbeddedTarget | undefined {
  if (source.kind !== 'updown' || !source.loaded.config.embedded) return undefined;
  const { loaded } = source;
  return {
    dataDir: path.resolve(loaded.dir, loaded.config.embedded!.dataDir),
    database: loaded.config.embedded!.database ?? 'updown_development',
  };
}

function noDatabase(source: ProjectSource): UsageError {
  if (source.kind === 'sequelize-cli') {
    const { project } = source;
    const where = project.configFile ? `${project.configFile} (${project.environment})` : project.rcFile;
    return new UsageError(`no database given: ${where} names none (url, use_env_variable, or database/host/username): add one there, pass --url, or set DATABASE_URL`);
  }
  return new UsageError('no database given: pass --url, set DATABASE_URL, or configure `embedded` in updown.config.ts');
}

/** `--schema`, then DATABASE_SCHEMA, then updown.config.ts, then public (sequelize-cli has no such setting). */
export function schemaOf(flags: CommandFlags, source: ProjectSource, env: NodeJS.ProcessEnv): string {
  const configured = source.kind === 'updown' ? source.loaded.config.schema : undefined;
  const schema = flags.schema ?? (env.DATABASE_SCHEMA || undefined) ?? configured ?? 'public';
  if (schema.length === 0 || schema.length > 63) throw new UsageError(`--schema "${schema}": a schema name has 1 to 63 characters`);
  return schema;
}

export function environment(flags: CommandFlags, source: ProjectSource, env: NodeJS.ProcessEnv): string {
  if (source.kind === 'sequelize-cli') return source.project.environment;
  return flags.env ?? (env.NODE_ENV || undefined) ?? 'development';
}

function seedsOf(source: ProjectSource): string | undefined {
  const dir = sourceDir('seeds', source);
  // sequelize-cli's seeders folder is a default that may not exist: only an existing one is a stream.
  if (source.kind === 'sequelize-cli' && dir && !fs.existsSync(dir)) return undefined;
  return dir;
}

/** Options from what was read: the one place where precedence and defaults live. */
export function resolveFrom(
  source: ProjectSource,
  kind: StreamKind,
  flags: CommandFlags,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ResolvedOptions {
  const format = formatFlag(flags);
  const { url, urlSource } = targetUrl(flags, source, env);
  const embedded = url ? undefined : embeddedTarget(source);
  if (!url && !embedded) throw noDatabase(source);
  const config = source.kind === 'updown' ? source.loaded.config : undefined;
  const schema = schemaOf(flags, source, env);
  const seedsDir = seedsOf(source);
  const dir = streamDir(kind, flags, source, cwd);
  return {
    options: {
      url,
      schema,
      kind,
      dir,
      layout: resolveSqlLayout(streamLayout(kind, source, format), dir),
      env: environment(flags, source, env),
      lockTimeoutMs: durationMs('--lock-timeout', flags.lockTimeout ?? (env.UPDOWN_LOCK_TIMEOUT || DEFAULT_LOCK_TIMEOUT)),
      timeouts: {
        lockMs: durationMs('--ddl-lock-timeout', flags.ddlLockTimeout ?? config?.timeouts?.lock ?? DEFAULT_DDL_LOCK_TIMEOUT),
        statementMs: durationMs('--statement-timeout', flags.statementTimeout ?? config?.timeouts?.statement ?? DEFAULT_STATEMENT_TIMEOUT),
      },
      lockRetries: flags.lockRetries ?? config?.lockRetries ?? DEFAULT_LOCK_RETRIES,
      allowProduction: flags.allowProduction ?? false,
      singleTransaction: flags.singleTransaction ?? config?.singleTransaction ?? false,
      ...(config?.lint ? { lint: config.lint } : {}),
      logger,
    },
    seedsDir,
    seedsLayout: seedsDir ? resolveSqlLayout(streamLayout('seeds', source, format), seedsDir) : undefined,
    embedded,
    urlSource,
    source,
  };
}

/**
 * Options from flags, then environment, then updown.config.ts or a sequelize-cli project, then
 * defaults. Synchronous: a sequelize-cli config.js that exports a promise needs resolveOptionsAsync.
 */
export function resolveOptions(
  kind: StreamKind,
  flags: CommandFlags,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ResolvedOptions {
  return resolveFrom(readSourceSync(flags, env, cwd), kind, flags, logger, env, cwd);
}

/** resolveOptions for every config sequelize-cli accepts (the CLI's entry point). */
export async function resolveOptionsAsync(
  kind: StreamKind,
  flags: CommandFlags,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<ResolvedOptions> {
  return resolveFrom(await readSource(flags, env, cwd), kind, flags, logger, env, cwd);
}

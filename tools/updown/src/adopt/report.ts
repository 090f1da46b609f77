import fs from 'node:fs';
import path from 'node:path';
import { environment, formatFlag, readSource, schemaOf, sourceDir, streamLayout, targetUrl, type CommandFlags, type ProjectSource } from '../config';
import { maskUrl } from '../connection';
import { TRACKING_TABLES } from '../storage';
import type { StreamKind, StreamLayout } from '../types';
import { configText, type ConfigStream } from './config-text';
import { NoLayoutError } from './choose';
import { probeTables, type Probe, type TableState } from './probe';
import { findSqlLayout, sqlConfigText, sqlPlanLine, sqlStreamState, type SqlFound, type SqlLayoutKind } from './sql';

/** One stream as `adopt` found it. */
export interface StreamReport {
  kind: StreamKind;
  dir: string;
  exists: boolean;
  /** The files the stream's tool would run, by name. */
  files: string[];
  layout: StreamLayout;
  /** Where the stream is tracked; absent for an untracked stream. */
  tracking?: {
    schema: string;
    table: string;
    /** Known only when the database was reachable. */
    exists?: boolean;
    rows?: number;
    pending?: number;
  };
}

export interface AdoptReport {
  ok: true;
  layout: ProjectSource['kind'] | SqlLayoutKind;
  root: string;
  environment: string;
  environments: string[];
  /** The files read to learn all this. */
  read: string[];
  streams: StreamReport[];
  database: { url?: string; source?: string; checked: boolean; note?: string };
  /** What updown does here, one sentence each. */
  plan: string[];
  /** The updown.config.ts equivalent of a sequelize-cli project (adopt writes nothing). */
  configText?: string;
  notes: string[];
}

/** sequelize-cli's pattern (core/migrator): every .js/.cjs/.ts/.cts file but declarations. */
const SEQUELIZE_FILES = /^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/;
/** updown's own names (loader): a timestamp, a dash, a name. */
const UPDOWN_FILES = /^\d{14}-[^/\\]+\.(ts|js|cjs)$/;

function filesIn(dir: string, format: StreamLayout['format']): string[] {
  if (!fs.existsSync(dir)) return [];
  const pattern = format === 'sequelize-cli' ? SEQUELIZE_FILES : UPDOWN_FILES;
  return fs
    .readdirSync(dir)
    .filter((name) => pattern.test(name) && !name.endsWith('.d.ts'))
    .sort();
}

const withoutExtension = (name: string) => name.replace(/\.(cjs|js|cts|ts)$/, '');

function streamReport(kind: StreamKind, source: ProjectSource, flags: CommandFlags, schema: string, cwd: string): StreamReport | undefined {
  const dir = flags.dir && kind === 'migrations' ? path.resolve(cwd, flags.dir) : sourceDir(kind, source);
  if (!dir) return undefined;
  const layout = streamLayout(kind, source, formatFlag(flags));
  const table = layout.table ?? TRACKING_TABLES[kind];
  const tracking = layout.tracked === false ? undefined : { schema: layout.tableSchema ?? schema, table };
  return { kind, dir, exists: fs.existsSync(dir), files: filesIn(dir, layout.format), layout, tracking };
}

function withProbe(stream: StreamReport, state: TableState | undefined): StreamReport {
  if (!stream.tracking || !state) return stream;
  const recorded = new Set(state.names.map(withoutExtension));
  const pending = stream.files.filter((file) => !recorded.has(withoutExtension(file))).length;
  return { ...stream, tracking: { ...stream.tracking, exists: state.exists, rows: state.names.length, pending } };
}

function filesRead(source: ProjectSource): string[] {
  if (source.kind === 'updown') return [source.loaded.file];
  if (source.kind === 'sequelize-cli') return [source.project.rcFile, source.project.configFile].filter((file): file is string => Boolean(file));
  return [];
}

function rootOf(source: ProjectSource, cwd: string): string {
  if (source.kind === 'updown') return source.loaded.dir;
  if (source.kind === 'sequelize-cli') return source.project.root;
  return cwd;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const SHAPES = {
  updown: 'updown modules (up({ context }))',
  'sequelize-cli': 'sequelize-cli modules (up(queryInterface, Sequelize))',
  umzug: 'Umzug modules (up({ context: queryInterface }))',
  sql: '.sql files (their statements sent as written)',
} as const;

function planLine(stream: StreamReport): string {
  const command = stream.kind === 'migrations' ? 'updown migrate up' : 'updown seed up';
  const shape = SHAPES[stream.layout.format ?? 'updown'];
  if (!stream.exists) return `${command}: nothing to run, ${stream.dir} does not exist`;
  if (!stream.tracking) {
    const every = stream.files.length === 1 ? 'the one file' : `all ${stream.files.length} files`;
    return `${command}: runs ${every} of ${stream.dir} as ${shape}, every time (not tracked, like sequelize-cli's seederStorage "none")`;
  }
  const { schema, table, pending } = stream.tracking;
  const which = pending === undefined ? `the pending ones of ${plural(stream.files.length, 'file')}` : `${pending} pending of ${plural(stream.files.length, 'file')}`;
  const history =
    stream.layout.format === 'sequelize-cli'
      ? ', names with their extension as sequelize-cli writes them, so sequelize-cli still reads the history'
      : '';
  return `${command}: runs ${which} in ${stream.dir} as ${shape}, each in a transaction with its row in "${schema}"."${table}"${history}`;
}

function databaseNote(probe: Probe | undefined, url: string | undefined, source: ProjectSource): string | undefined {
  const embedded = source.kind === 'updown' ? source.loaded.config.embedded : undefined;
  if (!url && embedded) return `the embedded PostgreSQL (${embedded.dataDir}) is not started by adopt: the tracking tables were not checked`;
  if (!url) return 'no database named (--url, the config file, or DATABASE_URL): the tracking tables were not checked';
  if (probe && !probe.reachable) return `could not reach the database (${probe.reason}): the tracking tables were not checked`;
  return undefined;
}

function configComments(source: ProjectSource, urlSource: string | undefined): string[] {
  if (source.kind !== 'sequelize-cli') return [];
  const { project } = source;
  const read = filesRead(source).map((file) => path.relative(project.root, file));
  return [
    `What updown reads from this sequelize-cli project (${read.join(', ')}; environment "${project.environment}").`,
    'updown needs no such file here. Saved as updown.config.ts in this folder, updown finds two layouts and asks: pass --config updown.config.ts.',
    `It names no database: updown.config.ts takes it from --url or DATABASE_URL${urlSource ? ` (here it came from ${urlSource.split(`${project.root}${path.sep}`).join('')})` : ''}.`,
  ];
}

function notesOf(source: ProjectSource): string[] {
  if (source.kind !== 'sequelize-cli') return [];
  const { project } = source;
  const notes = project.ignored.map((setting) => `${setting} in ${project.configFile} is not used: updown connects with its own settings`);
  if (!project.configFile) notes.push(`${project.rcFile} gives a url, so sequelize-cli reads no config file and uses its default tables; updown does the same`);
  return notes;
}

/** A folder of `.sql` files (src/adopt/sql.ts), reported in the same shape. */
async function sqlReport(found: SqlFound, flags: CommandFlags, env: NodeJS.ProcessEnv): Promise<AdoptReport> {
  const schema = schemaOf(flags, { kind: 'flags' }, env);
  const { url, urlSource } = targetUrl(flags, { kind: 'flags' }, env);
  const parts = [{ kind: 'migrations' as const, dir: found.dir, layout: found.layout }, ...(found.seeds ? [{ kind: 'seeds' as const, ...found.seeds }] : [])];
  const streams: StreamReport[] = [];
  const notes: string[] = [];
  for (const part of parts) {
    const state = await sqlStreamState(part, part.kind, schema, url);
    if (state.note) notes.push(state.note);
    streams.push({ kind: part.kind, dir: part.dir, exists: true, files: state.files, layout: part.layout, ...(state.tracking ? { tracking: state.tracking } : {}) });
  }
  const checked = url !== undefined && notes.length === 0;
  return {
    ok: true,
    layout: found.kind,
    root: found.root,
    environment: environment(flags, { kind: 'flags' }, env),
    environments: [],
    read: found.read,
    streams,
    database: { url: url ? maskUrl(url) : undefined, source: urlSource, checked, note: url ? undefined : 'no database named (--url or DATABASE_URL): the tracking tables were not checked' },
    plan: [sqlPlanLine(found.kind), ...streams.map(planLine), 'adopt wrote nothing: save the config below as updown.config.ts to run this folder with its history kept'],
    configText: sqlConfigText(found),
    notes,
  };
}

/** The project's layout, or a folder of `.sql` files when there is no updown or sequelize-cli project. */
async function readOrSql(flags: CommandFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ProjectSource | SqlFound> {
  try {
    const source = await readSource(flags, env, cwd);
    if (source.kind !== 'flags' || flags.format) return source;
    return findSqlLayout(cwd, flags.dir) ?? source;
  } catch (error) {
    const found = error instanceof NoLayoutError ? findSqlLayout(cwd) : undefined;
    if (found) return found;
    throw error;
  }
}

/** What `updown adopt` prints: what it found, what updown will do there, and the equivalent config. Reads only. */
export async function adoptReport(flags: CommandFlags, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<AdoptReport> {
  const read = await readOrSql(flags, env, cwd);
  if ('root' in read) return sqlReport(read, flags, env);
  const source = read;
  const schema = schemaOf(flags, source, env);
  const { url, urlSource } = targetUrl(flags, source, env);
  const found = (['migrations', 'seeds'] as const)
    .map((kind) => streamReport(kind, source, flags, schema, cwd))
    .filter((stream): stream is StreamReport => stream !== undefined);
  const tracked = found.filter((stream) => stream.tracking);
  const probe = url ? await probeTables(url, tracked.map((stream) => stream.tracking!)) : undefined;
  const streams = found.map((stream) => withProbe(stream, probe?.reachable ? probe.tables[tracked.indexOf(stream)] : undefined));
  const root = rootOf(source, cwd);
  const configStreams: ConfigStream[] = streams.filter((stream) => stream.exists || stream.kind === 'migrations');
  return {
    ok: true,
    layout: source.kind,
    root,
    environment: environment(flags, source, env),
    environments: source.kind === 'sequelize-cli' ? source.project.environments : [],
    read: filesRead(source),
    streams,
    database: { url: url ? maskUrl(url) : undefined, source: urlSource, checked: Boolean(probe?.reachable), note: databaseNote(probe, url, source) },
    plan: [...streams.map(planLine), source.kind === 'sequelize-cli' ? 'adopt wrote nothing: updown reads this project as it is' : 'adopt wrote nothing'],
    configText: source.kind === 'sequelize-cli' ? configText(root, configStreams, configComments(source, urlSource)) : undefined,
    notes: notesOf(source),
  };
}

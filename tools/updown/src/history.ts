/**
 * What every command does before it runs anything: read the stream's files and rows, vouch for
 * the history, and apply the guards (production, seed environments).
 */
import { EnvironmentError, ProductionGuardError } from './errors';
import { importModule, loadModule } from './loader';
import { checkHistory, type AppliedEntry, type MigrationFile } from './plan';
import type { Session } from './session';
import { METADATA_TABLE } from './storage';
import type { Stream } from './stream';
import type { StreamKind, StreamLayout } from './types';

export const DEFAULT_SEED_ENVIRONMENTS = ['development', 'test'];
export const PRODUCTION = 'production';

export interface StreamState {
  stream: Stream;
  files: MigrationFile[];
  applied: AppliedEntry[];
}

/**
 * For commands that change the schema, under the lock. Everything that can refuse comes before
 * anything is written: the production guard, the folder's listing, the history read (the tables
 * may not exist yet: no rows) and vouched for; then the caller plans, and the stream loads and
 * checks the planned files. `listed` is the folder as the command has just read it, if it has. Only
 * the stream's first run creates the schema and tracking tables (`Stream.ready`), so a refused run
 * leaves no `SequelizeMeta` or `updown_metadata` behind.
 */
export async function openForChange(session: Session, kind: StreamKind, dir: string, guard?: string, layout?: StreamLayout, listed?: MigrationFile[]): Promise<StreamState> {
  const stream = session.stream(kind, dir, layout);
  if (guard) await guardProduction(session, stream, guard);
  const files = stream.files(listed);
  const applied = await stream.applied();
  checkHistory(files, applied);
  stream.beforeFirstWrite(async () => {
    await stream.storage.ensure();
    for (const said of await stream.storage.adopt(applied)) session.options.logger.info(said);
    if (kind === 'migrations') await stream.storage.initMetadata('environment', session.options.env);
  });
  return { stream, files, applied };
}

/**
 * Lists the stream's folder and loads every file, writing nothing: for a command that destroys
 * before it runs files (`db fresh`), so a missing folder or a file that cannot load refuses first.
 */
export async function checkLoadable(session: Session, kind: StreamKind, dir: string, layout?: StreamLayout): Promise<void> {
  const stream = session.stream(kind, dir, layout);
  for (const file of stream.files()) await importModule(file, stream.layout);
}

/** For read-only commands: creates nothing. */
export async function openForReading(session: Session, kind: StreamKind, dir: string, layout?: StreamLayout): Promise<StreamState> {
  const stream = session.stream(kind, dir, layout);
  const files = stream.files();
  return { stream, files, applied: await stream.applied() };
}

/** Destructive commands refuse production unless --allow-production: given or recorded. */
export async function guardProduction(session: Session, stream: Stream, command: string): Promise<void> {
  if (session.options.allowProduction) return;
  if (session.options.env === PRODUCTION) throw new ProductionGuardError(command, 'the environment is production (--env or NODE_ENV)');
  const recorded = await stream.storage.metadata('environment');
  if (recorded === PRODUCTION) {
    throw new ProductionGuardError(command, `this database is recorded as production (${session.options.schema}.${METADATA_TABLE})`);
  }
}

/** Where a seed may run; undefined when it may run in `env`. */
export function seedRefusal(file: MigrationFile, env: string): string | undefined {
  const allowed = loadModule(file).environments ?? DEFAULT_SEED_ENVIRONMENTS;
  return allowed.includes(env) ? undefined : `only for ${allowed.join(', ')}`;
}

/**
 * The seeds that may run in `env`; `onSkip` hears of each pending one that may not. Applied seeds
 * stay (their history is checked wherever they ran); a skipped one is neither pending nor out of
 * order here.
 */
export function seedsFor(
  files: MigrationFile[],
  applied: AppliedEntry[],
  env: string,
  onSkip: (file: MigrationFile, refusal: string) => void,
): MigrationFile[] {
  const done = new Set(applied.map((entry) => entry.name));
  return files.filter((file) => {
    if (done.has(file.name)) return true;
    const refusal = seedRefusal(file, env);
    if (refusal) onSkip(file, refusal);
    return !refusal;
  });
}

/** The log line for a seed skipped in this environment. */
export function logSkippedSeed(session: Session): (file: MigrationFile, refusal: string) => void {
  const { env, logger } = session.options;
  return (file, refusal) => logger.info(`skipped seed ${file.name}: ${refusal} (environment is ${env})`);
}

export function requireSeedAllowed(file: MigrationFile, env: string): void {
  const refusal = seedRefusal(file, env);
  if (refusal) throw new EnvironmentError(`${file.path} is ${refusal}; the environment is ${env}: run it where it belongs, or add '${env}' to its \`environments\``);
}

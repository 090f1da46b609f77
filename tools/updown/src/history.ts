/**
 * What every command does before it runs anything: read the stream's files and rows, vouch for
 * the history, and apply the guards (production, seed environments).
 */
import { EnvironmentError, ProductionGuardError } from './errors';
import { loadModule } from './loader';
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
 * For commands that change the schema, under the lock: the production guard first (a refused
 * command writes nothing), then tables ensured, history adopted and vouched for.
 */
export async function openForChange(session: Session, kind: StreamKind, dir: string, guard?: string, layout?: StreamLayout): Promise<StreamState> {
  const stream = session.stream(kind, dir, layout);
  if (guard) await guardProduction(session, stream, guard);
  await stream.storage.ensure();
  const files = stream.files();
  const applied = await stream.applied();
  checkHistory(files, applied);
  for (const said of await stream.storage.adopt(applied)) session.options.logger.info(said);
  if (kind === 'migrations') await stream.storage.initMetadata('environment', session.options.env);
  return { stream, files, applied };
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

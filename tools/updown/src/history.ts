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
import type { StreamKind } from './types';

export const DEFAULT_SEED_ENVIRONMENTS = ['development', 'test'];
export const PRODUCTION = 'production';

export interface StreamState {
  stream: Stream;
  files: MigrationFile[];
  applied: AppliedEntry[];
}

/** For commands that change the schema, under the lock: tables ensured, history vouched for. */
export async function openForChange(session: Session, kind: StreamKind, dir: string): Promise<StreamState> {
  const stream = session.stream(kind, dir);
  await stream.storage.ensure();
  const files = stream.files();
  const applied = await stream.applied();
  checkHistory(files, applied);
  if ((await stream.storage.fillMissingChecksums(applied)) > 0) session.options.logger.info('recorded checksums for files applied before updown kept them');
  if (kind === 'migrations') await stream.storage.initMetadata('environment', session.options.env);
  return { stream, files, applied };
}

/** For read-only commands: creates nothing. */
export async function openForReading(session: Session, kind: StreamKind, dir: string): Promise<StreamState> {
  const stream = session.stream(kind, dir);
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

/** Splits planned seeds into those that may run here and those skipped, saying which. */
export function filterSeeds(planned: MigrationFile[], session: Session): MigrationFile[] {
  const { env, logger } = session.options;
  return planned.filter((file) => {
    const refusal = seedRefusal(file, env);
    if (refusal) logger.info(`skipped seed ${file.name}: ${refusal} (environment is ${env})`);
    return !refusal;
  });
}

export function requireSeedAllowed(file: MigrationFile, env: string): void {
  const refusal = seedRefusal(file, env);
  if (refusal) throw new EnvironmentError(`${file.path} is ${refusal}; the environment is ${env}: run it where it belongs, or add '${env}' to its \`environments\``);
}

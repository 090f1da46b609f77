/**
 * The typed programmatic API. Every call returns a result instead of throwing for the failures a
 * user can cause; the CLI only prints it and picks the exit code.
 */
import { compileProblems, loadableFiles, markInvalid } from './compile-check';
import { UsageError } from './errors';
import { checkLoadable, guardProduction, logSkippedSeed, openForChange, openForReading, requireSeedAllowed, seedsFor, type StreamState } from './history';
import { checkHistory, findByName, historyProblems, newestApplied, outOfOrder, planDown, planUp, statusOf, type AppliedEntry, type MigrationFile } from './plan';
import { misnamedFileWarnings } from './name-check';
import { quoteIdent } from './quote';
import { readHistory, type StreamHistory } from './reader';
import { withSession, type Session } from './session';
import { commitQuietly, rollback } from './transaction';
import { withTrial, type Trial } from './trial';
import type { Transaction } from 'sequelize';
import type { Direction, DownOptions, ExecutedItem, PreviewItem, RunOptions, RunResult, StatusItem, StatusResult, StreamKind, StreamLayout, UpOptions } from './types';

export { repair } from './repair';

type Record = (item: ExecutedItem) => void;

async function run(options: RunOptions, work: (record: Record) => Promise<PreviewItem[] | void>): Promise<RunResult> {
  const started = Date.now();
  const executed: ExecutedItem[] = [];
  const record: Record = (item) => {
    executed.push(item);
    options.onExecuted?.(item);
  };
  try {
    const preview = await work(record);
    return { success: true, executed, ...(preview ? { preview } : {}), errors: [], durationMs: Date.now() - started };
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    return { success: false, executed, errors: [failure], durationMs: Date.now() - started };
  }
}

const tag = (kind: StreamKind, record: Record) => (item: ExecutedItem) => record({ ...item, stream: kind });

/** Says which planned files are older than the newest applied one (a merged branch). */
function reportOutOfOrder(session: Session, files: MigrationFile[], applied: AppliedEntry[], planned: MigrationFile[]): void {
  const late = new Set(outOfOrder(files, applied).map((file) => file.name));
  const newest = newestApplied(applied);
  for (const file of planned.filter((candidate) => late.has(candidate.name))) {
    session.options.logger.warn(`${file.name} is applied out of order: it is older than the newest applied ${newest}`);
  }
}

interface ApplyUpShape {
  layout?: StreamLayout;
  /** --single-transaction: the transaction every file runs in as a savepoint. */
  within?: Transaction;
  /** The folder as the command has just read it (before taking the lock). */
  listed?: MigrationFile[];
}

async function applyUp(session: Session, kind: StreamKind, dir: string, options: UpOptions, record: Record, { layout, within, listed }: ApplyUpShape = {}): Promise<void> {
  const state = await openForChange(session, kind, dir, undefined, layout, listed);
  const files = kind === 'seeds' ? seedsFor(state.files, state.applied, session.options.env, logSkippedSeed(session)) : state.files;
  const planned = planUp(files, state.applied, options);
  reportOutOfOrder(session, files, state.applied, planned);
  await state.stream.run('up', planned, tag(kind, record), within);
}

/**
 * `--single-transaction`: everything `work` runs shares one transaction, each file a savepoint of
 * it (so a lock-timeout retry repeats only that file), committed at the end or not at all. Files
 * are reported once it has committed: before that, none of them is applied.
 */
async function allOrNothing(session: Session, record: Record, work: (record: Record, within?: Transaction) => Promise<void>): Promise<void> {
  if (!session.options.singleTransaction) return work(record);
  const held: ExecutedItem[] = [];
  const { sequelize } = session;
  const transaction = await sequelize.transaction({ transaction: null } as never as { transaction?: Transaction });
  try {
    await work((item) => held.push(item), transaction);
  } catch (error) {
    await rollback(transaction).catch(() => undefined);
    throw error;
  }
  await commitQuietly(sequelize, transaction);
  for (const item of held) record(item);
}

/** A dry run reads only: no lock, no tracking table created, everything rolled back. */
function preview(options: RunOptions, direction: Direction, plan: (files: MigrationFile[], applied: AppliedEntry[]) => MigrationFile[]): Promise<RunResult> {
  return run(options, () =>
    withSession(options, `${options.kind} ${direction} --dry-run`, 'read-only', async (session) => {
      const state = await openForReading(session, options.kind, options.dir);
      checkHistory(state.files, state.applied);
      const files = options.kind === 'seeds' && direction === 'up' ? seedsFor(state.files, state.applied, options.env, logSkippedSeed(session)) : state.files;
      return state.stream.preview(direction, plan(files, state.applied));
    }),
  );
}

/**
 * What `up` reads first, as `status` does: no Sequelize, no lock, nothing written. Undefined when
 * it cannot (a stream with no tracking table, an unreachable database): the locked path decides then.
 */
async function readBeforeUp(options: RunOptions): Promise<StreamHistory | undefined> {
  if (options.kind !== 'migrations' || options.layout?.tracked === false) return undefined;
  return readHistory(options, options.kind, options.dir).catch(() => undefined);
}

/**
 * `up` with nothing to apply (a deploy step run again) answers from that read. Anything else (a
 * pending file, a history to adopt or to refuse, no environment recorded yet) takes the whole path
 * under the lock, which decides.
 */
function nothingToApply(options: RunOptions & UpOptions, history: StreamHistory | undefined): boolean {
  if (!history) return false;
  const { files, applied, environment } = history;
  if (environment === undefined || historyProblems(files, applied).length > 0) return false;
  if (applied.some((entry) => !entry.checksum || entry.storedName)) return false;
  return planUp(files, applied, options).length === 0;
}

/** Applies pending files: all of them, or up to and including `to`, or the next `step`. */
export async function up(options: RunOptions & UpOptions): Promise<RunResult> {
  if (options.dryRun) return preview(options, 'up', (files, applied) => planUp(files, applied, options));
  const history = await readBeforeUp(options);
  if (nothingToApply(options, history)) return run(options, async () => undefined);
  return run(options, async (record) => {
    // Required here, not imported: the linter runs `up` itself on its scratch database.
    const { lintForUp } = require('./lint/gate') as typeof import('./lint/gate'); // eslint-disable-line @typescript-eslint/no-require-imports
    // What was read above: lint's mode depends on the recorded environment.
    const linted = await lintForUp(options, history);
    const report: Record = linted ? (item) => (record(item), linted.afterFile(item.name)) : record;
    const run = linted?.options ?? options;
    return withSession(run, `${options.kind} up`, 'locked', (session) =>
      allOrNothing(session, report, (reported, within) => applyUp(session, options.kind, options.dir, options, reported, { within, listed: history?.files })),
    );
  });
}

/** Reverts applied files, newest first: the last one, `step` of them, down to and including `to`, or `all`. */
export function down(options: RunOptions & DownOptions): Promise<RunResult> {
  if (options.dryRun) return preview(options, 'down', (files, applied) => planDown(files, applied, options));
  return run(options, (record) =>
    withSession(options, `${options.kind} down`, 'locked', (session) => allOrNothing(session, record, (report, within) => downOn(session, options, report, within))),
  );
}

/** Down then up again for the last `step` applied files (default 1). */
export function redo(options: RunOptions & { step?: number }): Promise<RunResult> {
  return run(options, (record) =>
    withSession(options, `${options.kind} redo`, 'locked', async (session) => {
      const { stream, files, applied } = await openForChange(session, options.kind, options.dir, `${options.kind === 'seeds' ? 'seed' : 'migrate'} redo`);
      const planned = planDown(files, applied, { step: options.step ?? 1 });
      await allOrNothing(session, record, async (report, within) => {
        await stream.run('down', planned, tag(options.kind, report), within);
        await stream.run('up', [...planned].reverse(), tag(options.kind, report), within);
      });
    }),
  );
}

/** up() and down() on one open session, under one lock: for callers that run many steps (verify). */
export interface Runner {
  up(options: UpOptions): Promise<RunResult>;
  down(options: DownOptions): Promise<RunResult>;
  /** Runs `fn` in a trial (src/trial.ts): one transaction, files as savepoints, marks to go back to. */
  trial<T>(fn: (trial: Trial) => Promise<{ value: T; keep: boolean }>): Promise<T>;
}

function downOn(session: Session, options: RunOptions & DownOptions, record: Record, within?: Transaction): Promise<void> {
  const command = `${options.kind === 'seeds' ? 'seed' : 'migrate'} down`;
  return openForChange(session, options.kind, options.dir, command).then(({ stream, files, applied }) =>
    stream.run('down', planDown(files, applied, options), tag(options.kind, record), within),
  );
}

/**
 * Opens one session (connection, lock, folder listing) for many up/down steps: verify round-trips
 * every file three times, and a session per step cost about 100 ms and a re-read of every file.
 */
export function withRunner<T>(options: RunOptions, fn: (runner: Runner) => Promise<T>): Promise<T> {
  return withSession(options, `${options.kind} runner`, 'locked', (session) => {
    let opened: Promise<StreamState> | undefined;
    return fn({
      up: (range) => run(options, (record) => applyUp(session, options.kind, options.dir, range, record)),
      down: (range) => run(options, (record) => downOn(session, { ...options, ...range }, record)),
      trial: async (body) => {
        // Tables ensured and history checked once; a trial then runs files by name.
        opened ??= openForChange(session, options.kind, options.dir);
        const { stream } = await opened;
        await stream.ready();
        return withTrial(session, stream, body);
      },
    });
  });
}

const commandOf = (kind: StreamKind) => (kind === 'seeds' ? 'seed' : 'migrate');

/** Runs one seed (or migration) by name, recorded like the others; already applied is nothing to do. */
export function runOne(options: RunOptions & { name: string }): Promise<RunResult> {
  return run(options, (record) =>
    withSession(options, `${options.kind} run`, 'locked', async (session) => {
      const { stream, files, applied } = await openForChange(session, options.kind, options.dir);
      const file = findByName(files, options.name);
      if (!file) throw new UsageError(`no file named ${options.name} in ${options.dir}: \`updown ${commandOf(options.kind)} status\` lists the names`);
      const name = file.name;
      if (applied.some((entry) => entry.name === name)) {
        session.options.logger.info(`${name} is already applied`);
        return;
      }
      if (options.kind === 'seeds') requireSeedAllowed(file, options.env);
      await stream.run('up', [file], tag(options.kind, record));
    }),
  );
}

/** Each file's state from the files and rows read (`invalid`: what compiling said); seeds meant for another environment are skipped. */
export function statusItems(options: RunOptions, files: MigrationFile[], applied: AppliedEntry[], invalid: Map<string, string>): StatusItem[] {
  if (options.kind !== 'seeds') return markInvalid(statusOf(files, applied), invalid);
  // Seeds only: a pending seed meant for another environment is skipped here, not pending.
  const skipped = new Map<string, string>();
  const here = seedsFor(loadableFiles(files, applied, invalid), applied, options.env, (file, refusal) => skipped.set(file.name, refusal));
  const skippedItems = [...skipped].map(([name, refusal]) => ({ name, state: 'pending' as const, skipped: refusal }));
  return markInvalid([...statusOf(here, applied), ...skippedItems].sort((a, b) => (a.name < b.name ? -1 : 1)), invalid);
}

/** Nothing to do and nothing wrong: every item applied, or a pending seed that does not run here. */
export const upToDate = (items: StatusItem[]): boolean => items.every((item) => item.state === 'applied' || (item.state === 'pending' && item.skipped));

/** Every file and recorded row with its state. Reads only: no lock, creates nothing. */
export async function status(options: RunOptions): Promise<StatusResult> {
  const started = Date.now();
  const { files, applied } = await readHistory(options, options.kind, options.dir);
  for (const warning of misnamedFileWarnings(options.dir, options.layout?.format)) options.logger.warn(warning);
  const items = statusItems(options, files, applied, compileProblems(files, applied));
  return { success: upToDate(items), items, durationMs: Date.now() - started };
}

async function dropSchema(session: Session): Promise<void> {
  const schema = quoteIdent(session.options.schema);
  // `public` is expected to exist by every tool and role, so it comes back empty.
  const recreate = session.options.schema === 'public' ? `CREATE SCHEMA ${schema};` : '';
  await session.sequelize.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; ${recreate}`, { transaction: null });
}

/** Drops the schema with everything in it, tracking tables included. */
export function drop(options: RunOptions): Promise<RunResult> {
  return run(options, () =>
    withSession(options, 'db drop', 'locked', async (session) => {
      await guardProduction(session, session.stream('migrations', options.dir), 'db drop');
      await dropSchema(session);
    }),
  );
}

/** Drops the schema, applies every migration, then every seed, under one lock. */
export function fresh(options: RunOptions & { seedsDir?: string; seedsLayout?: StreamLayout }): Promise<RunResult> {
  return run(options, (record) =>
    withSession(options, 'db fresh', 'locked', async (session) => {
      await guardProduction(session, session.stream('migrations', options.dir), 'db fresh');
      await checkLoadable(session, 'migrations', options.dir);
      if (options.seedsDir) await checkLoadable(session, 'seeds', options.seedsDir, options.seedsLayout ?? {});
      await dropSchema(session);
      await applyUp(session, 'migrations', options.dir, {}, record);
      if (options.seedsDir) await applyUp(session, 'seeds', options.seedsDir, {}, record, { layout: options.seedsLayout ?? {} });
    }),
  );
}

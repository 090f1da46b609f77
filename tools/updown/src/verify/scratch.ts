/**
 * The scratch database `verify` works on, so the target is never touched: a copy of the target
 * (CREATE DATABASE … TEMPLATE, else an empty database brought to the target's state by replaying
 * its history with updown itself), or an empty one. Always dropped at the end, on every path.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { up } from '../api';
import { databaseName, dropDatabase, ensureDatabase, maintenanceUrl, urlForDatabase, withMaintenanceClient } from '../database';
import { quoteIdent } from '../quote';
import type { RunOptions } from '../types';
import type { StartState } from './range';

export type ScratchMethod = 'template' | 'replay' | 'empty' | 'in-place';

export interface ScratchInfo {
  method: ScratchMethod;
  /** The database the checks ran on. */
  database: string;
  /** How it was made, in a sentence. */
  description: string;
}

/** Options for runs on the scratch database: quiet, and free of the target's production guard. */
export function scratchRunOptions(options: RunOptions, url: string): RunOptions {
  return {
    ...options,
    url,
    // The scratch database is ours and thrown away: a production mark copied from the target does not apply.
    allowProduction: true,
    // Nor does `up`'s lint: what runs on a scratch database is never linted again (src/lint/gate.ts).
    lint: { ...options.lint, mode: 'off' },
    onExecuted: undefined,
    onLockWait: undefined,
    logger: { info: () => undefined, warn: options.logger.warn },
  };
}

const withMaintenance = <T>(url: string, fn: (client: Client) => Promise<T>) => withMaintenanceClient(url, fn, 'updown verify');

/** Clones the target; returns why it could not, or undefined when it did. */
async function cloneByTemplate(targetUrl: string, scratch: string): Promise<string | undefined> {
  const target = databaseName(targetUrl);
  if (target === databaseName(maintenanceUrl(targetUrl))) return `${target} is the maintenance database updown connects to`;
  return withMaintenance(targetUrl, async (client) => {
    // PostgreSQL would wait about 5 s, then refuse: ask first.
    const { rows } = await client.query<{ sessions: number }>(
      'SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [target],
    );
    const sessions = rows[0]?.sessions ?? 0;
    if (sessions > 0) return `${sessions} other session(s) are connected to ${target}, and PostgreSQL copies only a database nobody uses`;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE ${quoteIdent(target)}`);
      return undefined;
    } catch (error) {
      return `CREATE DATABASE … TEMPLATE ${target} failed: ${(error as Error).message}`;
    }
  });
}

/** Brings a scratch database up to (and including) `to` of the verified stream. */
export type Replay = (url: string, to: string | undefined) => Promise<void>;

/** The default replay: the stream's own files, with updown itself. */
export function replayStream(options: RunOptions): Replay {
  return async (url, to) => {
    if (to === undefined) return;
    const result = await up({ ...scratchRunOptions(options, url), to });
    if (!result.success) throw result.errors[0];
  };
}

async function create(options: RunOptions, url: string, start: StartState, replay: Replay): Promise<ScratchInfo> {
  const database = databaseName(url);
  const target = databaseName(options.url);
  if (start.kind === 'empty') {
    await ensureDatabase(url);
    await replay(url, start.replayTo);
    const upTo = start.replayTo ? `, migrated up to and including ${start.replayTo} (the file before the range)` : ' (the range starts at the first file)';
    return { method: 'empty', database, description: `a new empty database ${database}${upTo}` };
  }
  const refused = await cloneByTemplate(options.url, database);
  if (refused === undefined) return { method: 'template', database, description: `${database}, a copy of ${target} made with CREATE DATABASE … TEMPLATE` };
  await ensureDatabase(url);
  await replay(url, start.lastApplied);
  const upTo = start.lastApplied ? `replaying ${target}'s history up to ${start.lastApplied}` : `${target} has nothing applied`;
  return { method: 'replay', database, description: `${database}, an empty database brought to ${target}'s state by ${upTo} (no copy: ${refused})` };
}

/** What a child process (a migration that shells out to a script) reads to find its database. */
const DATABASE_VARIABLES = ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE', 'PGOPTIONS'];

/**
 * Runs `fn` with this process's DATABASE_URL and PG* variables pointing at the scratch database,
 * so a migration that shells out to a script (which inherits them) cannot write to the target.
 */
export async function withScratchEnvironment<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const saved = new Map(DATABASE_VARIABLES.map((name) => [name, process.env[name]]));
  const parsed = new URL(url);
  const scratch: Record<string, string> = {
    DATABASE_URL: url,
    PGHOST: decodeURIComponent(parsed.hostname),
    PGPORT: parsed.port || '5432',
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
    PGUSER: decodeURIComponent(parsed.username),
    // A script waiting for a lock that verify's own transaction holds would wait forever, and
    // verify with it (src/verify/check.ts then runs that file for real).
    PGOPTIONS: '-c lock_timeout=3s',
  };
  for (const name of DATABASE_VARIABLES) delete process.env[name];
  Object.assign(process.env, scratch, parsed.password ? { PGPASSWORD: decodeURIComponent(parsed.password) } : {});
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** A name next to the target's, unique to this run, within PostgreSQL's 63 bytes. */
function scratchName(targetUrl: string): string {
  const base = databaseName(targetUrl).replace(/[^A-Za-z0-9_]/g, '_').slice(0, 36);
  return `${base}_verify_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/**
 * Runs `fn` on a scratch database made for the start state, and drops it afterwards (WITH
 * (FORCE)), also when `fn` or the making of it fails.
 */
export async function withScratch<T>(
  options: RunOptions,
  start: StartState,
  fn: (url: string, info: ScratchInfo) => Promise<T>,
  replay: Replay = replayStream(options),
): Promise<T> {
  const url = urlForDatabase(options.url, scratchName(options.url));
  try {
    return await withScratchEnvironment(url, async () => fn(url, await create(options, url, start, replay)));
  } finally {
    await dropDatabase(url).catch((error: Error) => options.logger.warn(`could not drop the scratch database ${databaseName(url)}: ${error.message}`));
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sequelize } from 'sequelize';
import { InterruptedError } from './errors';

/** What one running file has in flight. */
export interface FileWatch {
  file: string;
  /** The queries the file started that have not settled yet. */
  inFlight: Set<Promise<unknown>>;
  /** Set once up/down has returned: a query started after that was not awaited. */
  returned: boolean;
  startedAfterReturn: number;
  /** The first query that failed after up/down returned (nobody awaited it). */
  lateFailure?: unknown;
  /** How many statements the file sent. */
  sent: number;
  /** When set (a dry run, lint), every statement the file sends is written here. */
  statements?: string[];
  /** When set (lint), called around each statement the file sends. */
  observe?: StatementObserver;
  /**
   * When set, the file's statements wait for it: the previous file's COMMIT, still on its way
   * while this file's JavaScript runs. When it rejects, they reject with it and none is sent.
   */
  gate?: Promise<void>;
}

/** Runs SQL on the observed file's own connection (in its transaction, if any), unseen by the watch. */
export type ObserverQuery = <R = Record<string, unknown>>(sql: string, bind?: unknown[]) => Promise<R[]>;

/**
 * The one hook `updown migrate lint` needs (src/lint/): called before each statement of the file
 * with its SQL, its bound values and a way to read the catalogs on the same connection. It returns
 * what to call once the statement has settled (with its error, if it failed), or a promise of it
 * when it must read something first; returned synchronously, the statement starts at once, as
 * it would unobserved (a query a file forgot to await keeps its timing).
 */
export type StatementObserver = (sql: string, bind: unknown, query: ObserverQuery) => StatementAfter | Promise<StatementAfter> | undefined;
export type StatementAfter = ((error?: unknown) => Promise<void>) | undefined;

export function newWatch(file: string, statements?: string[], observe?: StatementObserver, gate?: Promise<void>): FileWatch {
  const watch: FileWatch = { file, inFlight: new Set(), returned: false, startedAfterReturn: 0, sent: 0, statements, observe, gate };
  // Once open, the gate costs nothing more.
  gate?.then(
    () => (watch.gate = undefined),
    () => undefined,
  );
  return watch;
}

type Query = (...args: unknown[]) => Promise<unknown>;

/** `query` behind the watch's gate, if it has one (an observer's catalog reads wait too); an interrupt while it waits sends nothing. */
function gated(watch: FileWatch, query: Query, signal: AbortSignal | undefined): Query {
  const gate = watch.gate;
  if (!gate) return query;
  return (...args) => gate.then(() => (signal?.aborted ? Promise.reject(new InterruptedError(signal.reason)) : query(...args)));
}

/** An observer never changes a statement's outcome: what it fails to read, it does without. */
function settled(running: Promise<unknown>, after: StatementAfter): Promise<unknown> {
  if (!after) return running;
  return running.then(
    async (result) => {
      await after().catch(() => undefined);
      return result;
    },
    async (error: unknown) => {
      await after(error).catch(() => undefined);
      throw error;
    },
  );
}

/** The statement with the observer around it. */
function observed(observe: StatementObserver, query: Query, args: unknown[]): Promise<unknown> {
  const sql = typeof args[0] === 'string' ? args[0] : String((args[0] as { query?: string })?.query ?? args[0]);
  const bind = (args[1] as { bind?: unknown } | undefined)?.bind;
  const read: ObserverQuery = (text, values) => query(text, { bind: values, type: 'SELECT', logging: false }) as never;
  const hook = observe(sql, bind, read);
  if (hook instanceof Promise) return hook.then((after) => settled(query(...args), after));
  return settled(query(...args), hook);
}

/** The text of a `sequelize.query` call's first argument, with its bound values if any. */
function statementText(sql: unknown, options: unknown): string {
  const text = typeof sql === 'string' ? sql : String((sql as { query?: string })?.query ?? sql);
  const bind = (options as { bind?: unknown; replacements?: unknown } | undefined)?.bind;
  return bind === undefined ? text : `${text} -- bind: ${JSON.stringify(bind)}`;
}

const current = new AsyncLocalStorage<FileWatch>();

/**
 * Follows every query a migration starts, by the async context it starts in, so that a query the
 * migration forgot to await (still running, or started after up/down returned) is known before
 * its transaction commits. Also refuses new queries once the run is interrupted.
 */
export function watchQueries(sequelize: Sequelize, signal?: AbortSignal): void {
  const marked = sequelize as Sequelize & { updownWatched?: boolean };
  if (marked.updownWatched) return;
  marked.updownWatched = true;
  const query = sequelize.query.bind(sequelize) as Query;
  (sequelize as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    const watch = current.getStore();
    if (!watch) return query(...args);
    if (signal?.aborted) return Promise.reject(new InterruptedError(signal.reason));
    if (watch.returned) watch.startedAfterReturn += 1;
    watch.sent += 1;
    watch.statements?.push(statementText(args[0], args[1]));
    const send = gated(watch, query, signal);
    const running = watch.observe ? observed(watch.observe, send, args) : send(...args);
    watch.inFlight.add(running);
    running.then(
      () => watch.inFlight.delete(running),
      (error: unknown) => {
        watch.inFlight.delete(running);
        if (watch.returned && watch.lateFailure === undefined) watch.lateFailure = error;
      },
    );
    return running;
  };
}

export function runWatched<T>(watch: FileWatch, fn: () => Promise<T>): Promise<T> {
  return current.run(watch, fn);
}

/** Lets promise chains a migration left behind start their queries, so they can be counted. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether the file left work behind when it returned. */
export async function leftBehind(watch: FileWatch): Promise<boolean> {
  watch.returned = true;
  await settle();
  return watch.inFlight.size > 0 || watch.startedAfterReturn > 0;
}

/**
 * Waits until every query the file left running has settled, also those they start in turn, as
 * sequelize-cli effectively does when it commits nothing itself. Throws the first late failure.
 */
export async function drain(watch: FileWatch): Promise<void> {
  while (watch.inFlight.size > 0) {
    await Promise.allSettled([...watch.inFlight]);
    await settle();
  }
  if (watch.lateFailure !== undefined) throw watch.lateFailure;
}

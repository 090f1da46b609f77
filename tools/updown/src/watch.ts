import { AsyncLocalStorage } from 'node:async_hooks';
import type { Sequelize } from 'sequelize';
import { InterruptedError } from './errors';

/** What one running file has in flight. */
export interface FileWatch {
  file: string;
  inFlight: number;
  /** Set once up/down has returned: a query started after that was not awaited. */
  returned: boolean;
  startedAfterReturn: number;
  /** When set (a dry run), every statement the file sends is written here. */
  statements?: string[];
}

/** The text of a `sequelize.query` call's first argument, with its bound values if any. */
function statementText(sql: unknown, options: unknown): string {
  const text = typeof sql === 'string' ? sql : String((sql as { query?: string })?.query ?? sql);
  const bind = (options as { bind?: unknown; replacements?: unknown } | undefined)?.bind;
  return bind === undefined ? text : `${text} -- bind: ${JSON.stringify(bind)}`;
}

const current = new AsyncLocalStorage<FileWatch>();

/**
 * Counts every query a migration starts, by the async context it starts in, so that a query the
 * migration forgot to await (still running, or started after up/down returned) is caught before
 * its transaction commits. Also refuses new queries once the run is interrupted.
 */
export function watchQueries(sequelize: Sequelize, signal?: AbortSignal): void {
  const marked = sequelize as Sequelize & { updownWatched?: boolean };
  if (marked.updownWatched) return;
  marked.updownWatched = true;
  const query = sequelize.query.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  (sequelize as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    const watch = current.getStore();
    if (!watch) return query(...args);
    if (signal?.aborted) return Promise.reject(new InterruptedError(signal.reason));
    if (watch.returned) watch.startedAfterReturn += 1;
    watch.statements?.push(statementText(args[0], args[1]));
    watch.inFlight += 1;
    const done = () => {
      watch.inFlight -= 1;
    };
    const running = query(...args);
    running.then(done, done);
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

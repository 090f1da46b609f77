import type { Sequelize } from 'sequelize';
import { connect, createSequelize } from './connection';
import { withAdvisoryLock } from './lock';
import { Stream } from './stream';
import type { RunOptions, StreamKind, StreamLayout } from './types';

/** An open connection for one command, optionally holding the runner lock. */
export interface Session {
  sequelize: Sequelize;
  options: RunOptions;
  /** The stream of that folder; `layout` defaults to the command's (`options.layout`). */
  stream(kind: StreamKind, dir: string, layout?: StreamLayout): Stream;
}

/**
 * Connects, takes the lock when the command changes anything, and always closes: the callback
 * shape means no path can leave a connection or a lock behind.
 */
export async function withSession<T>(
  options: RunOptions,
  command: string,
  mode: 'locked' | 'read-only',
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  // Every connection starts with the run's timeouts; a file with its own sets them locally.
  const defaults = { lock_timeout: `${options.timeouts.lockMs}ms`, statement_timeout: `${options.timeouts.statementMs}ms` };
  // pg_stat_activity names the schema too: with many tenants, which ones are running.
  const named = options.schema === 'public' ? command : `${command} @${options.schema}`;
  const target = { url: options.url, schema: options.schema, command: named, settings: defaults, projectDir: options.dir, typeCatalog: options.typeCatalog };
  const sequelize = await connect(target);
  const newStream = (kind: StreamKind, dir: string, layout: StreamLayout) =>
    new Stream({
      sequelize,
      connectDedicated: (overrides) => createSequelize({ ...target, settings: { ...defaults, ...overrides }, poolMax: 1 }),
      schema: options.schema,
      kind,
      dir,
      layout,
      env: options.env,
      logger: options.logger,
      lockRetries: options.lockRetries,
      signal: options.signal,
      onStarted: options.onStarted,
      observe: options.observe,
    });
  // One Stream per folder for the whole session: its listing and checksums are read once.
  const streams = new Map<string, Stream>();
  const session: Session = {
    sequelize,
    options,
    stream: (kind, dir, layout = options.layout ?? {}) => {
      const key = `${kind}\0${dir}`;
      if (!streams.has(key)) streams.set(key, newStream(kind, dir, layout));
      return streams.get(key)!;
    },
  };
  try {
    if (mode === 'read-only') return await fn(session);
    const lock = { schema: options.schema, timeoutMs: options.lockTimeoutMs, onWait: options.onLockWait, signal: options.signal };
    return await withAdvisoryLock(sequelize, lock, () => fn(session));
  } finally {
    await sequelize.close().catch(() => undefined);
  }
}

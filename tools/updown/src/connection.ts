import os from 'node:os';
import { parse as parseConnectionString } from 'pg-connection-string';
import type { Sequelize } from 'sequelize';
import { ConnectError, UsageError } from './errors';
import { quoteIdent } from './quote';
import { projectSequelize } from './project';
import { enableTransactionContext } from './transaction';
import { recordTypeCatalog, useTypeCatalog } from './type-catalog';
import type { TypeCatalog } from './types';
import { urlProblem } from './url-check';

export interface ConnectOptions {
  url: string;
  schema: string;
  /** Shown in pg_stat_activity, so a waiting runner can name the holder of the lock. */
  command: string;
  /** Bounded retries for transient failures (refused, reset, timed out, starting up). */
  retries?: number;
  retryDelayMs?: number;
  /** Extra `-c name=value` session settings. */
  settings?: Record<string, string>;
  /** Pool size; at least 2 for a run (the advisory lock keeps a connection of its own). */
  poolMax?: number;
  /** Where the project's own `sequelize` is resolved from (the stream's folder). */
  projectDir?: string;
  /** @internal Shared by a fan-out's instances: what Sequelize reads of the database's types (src/type-catalog.ts). */
  typeCatalog?: TypeCatalog;
}

/** How updown's sessions appear in pg_stat_activity, so a waiting runner can name the holder. */
export function applicationName(purpose: string): string {
  return `updown ${purpose} (pid ${process.pid} on ${os.hostname()})`.slice(0, 63);
}

/** The URL with its password replaced, for every message that names a database. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/^(password|sslpassword)$/i.test(key)) parsed.searchParams.set(key, '****');
    }
    return parsed.toString();
  } catch {
    return url.replace(/(password\s*=\s*)\S+/gi, '$1****').replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1****@');
  }
}

/** Refuses (exit 2), before any connection, a URL that is not PostgreSQL's; `source` says where it came from (`--url`, `DATABASE_URL`). */
export function checkDatabaseUrl(url: string, source?: string): void {
  const problem = urlProblem(url);
  if (problem) throw new UsageError(`the database URL ${maskUrl(url)}${source ? ` (from ${source})` : ''} ${problem}`);
}

/**
 * PostgreSQL 14+: a backend whose client is gone (a SIGKILLed runner) notices within 2 s and
 * stops its statement, instead of running a long migration to the end for nobody. An older server
 * refuses the name in the startup packet: it goes there once the server's version is known, and is
 * set after connecting (this hook) by a first connection that does not know it yet.
 */
const CLIENT_CHECK = { client_connection_check_interval: '2s' };
const checksClient = (version: string | undefined) => version !== undefined && Number(version.split('.')[0]) >= 14;

async function checkClientConnection(this: Sequelize, connection: unknown): Promise<void> {
  // Sequelize reads the server's version from the first connection's startup messages.
  const version = String((this as unknown as { options: { databaseVersion?: string | number } }).options.databaseVersion ?? '0');
  if (!checksClient(version)) return;
  await (connection as { query(sql: string): Promise<unknown> }).query(`SET client_connection_check_interval = '${CLIENT_CHECK.client_connection_check_interval}'`);
}

/** Escapes a value for the startup `options` parameter (space and backslash are special there). */
function startupOption(name: string, value: string): string {
  return `-c ${name}=${value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`;
}

/**
 * The server's version by host and port, learnt from the first connection. Sequelize that does not
 * know it opens, and closes, one connection more per instance just to read it: per tenant of a
 * fan-out, and per file that runs outside a transaction.
 */
const serverVersions = new Map<string, string>();
const serverKey = (parsed: { host?: string | null; port?: string | null }) => `${parsed.host ?? 'localhost'}:${parsed.port ?? 5432}`;

/**
 * A Sequelize instance for one run. The schema goes on the session's search_path through the
 * startup packet, so unqualified names in migrations land in it without an extra round trip.
 */
export function createSequelize(options: ConnectOptions): Sequelize {
  const { Sequelize: SequelizeClass } = projectSequelize(options.projectDir);
  // Sequelize requires pg as it is built; when that is updown's copy, it is already loaded (see loadPg).
  loadPg();
  enableTransactionContext(SequelizeClass as never);
  checkDatabaseUrl(options.url);
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(options.url);
  } catch (error) {
    throw new UsageError(`the database URL ${maskUrl(options.url)} is not valid: ${(error as Error).message}`);
  }
  const version = serverVersions.get(serverKey(parsed));
  const checksInStartup = checksClient(version);
  // Sequelize's own session settings (it would send them in a SET of their own on every new connection)
  // travel with the schema in the startup packet: UTC is its default time zone, '+00:00'.
  const settings = {
    search_path: quoteIdent(options.schema),
    client_min_messages: 'warning',
    TimeZone: 'UTC',
    ...(checksInStartup ? CLIENT_CHECK : {}),
    ...options.settings,
  };
  // `databaseVersion` and `keepDefaultTimezone` are Sequelize's own options, missing from its types.
  const known = { databaseVersion: version ?? 0, keepDefaultTimezone: true } as object;
  const sequelize = new SequelizeClass({
    ...known,
    dialect: 'postgres',
    // queryInterface qualifies names with this schema (it would say "public" otherwise).
    schema: options.schema,
    host: parsed.host ?? 'localhost',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: parsed.database ?? undefined,
    username: parsed.user,
    password: parsed.password,
    logging: false,
    pool: { max: options.poolMax ?? 3, min: 0, idle: 10_000, acquire: 60_000 },
    hooks: checksInStartup ? {} : { afterConnect: checkClientConnection },
    dialectOptions: {
      clientMinMessages: 'ignore',
      application_name: applicationName(options.command),
      ssl: parsed.ssl || undefined,
      connectionTimeoutMillis: 10_000,
      options: Object.entries(settings)
        .map(([name, value]) => startupOption(name, value))
        .join(' '),
    },
  });
  useTypeCatalog(sequelize, options.typeCatalog);
  return sequelize;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', '57P03', '53300']);

function errorCode(error: unknown): string | undefined {
  const e = error as { original?: { code?: string }; parent?: { code?: string }; code?: string; name?: string };
  return e?.original?.code ?? e?.parent?.code ?? e?.code ?? (e?.name === 'SequelizeConnectionTimedOutError' ? 'ETIMEDOUT' : undefined);
}

function describe(error: unknown, url: string): string {
  const code = errorCode(error);
  const message = (error as Error)?.message ?? String(error);
  // pg's messages can quote the user or database, never the password; mask anything URL-shaped anyway.
  const masked = message.split(url).join(maskUrl(url));
  const hints: Record<string, string> = {
    '28P01': 'check the user and password in the URL',
    '28000': 'check the user and password in the URL',
    '3D000': 'create the database first (createdb, or the Make target that provides it)',
    ECONNREFUSED: 'is PostgreSQL running and listening on that host and port?',
    ENOTFOUND: 'check the host name in the URL',
  };
  const hint = code && hints[code] ? ` (${hints[code]})` : '';
  return `${masked}${code ? ` [${code}]` : ''}${hint}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `open` until it succeeds, retrying transient failures (refused, reset, starting up) with
 * exponential backoff; after that, or on any other failure, a ConnectError (exit 4) with the URL masked.
 */
async function withConnectRetries<T>(url: string, open: () => Promise<T>, retries = 4, firstDelayMs = 250): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      const transient = TRANSIENT_CODES.has(errorCode(error) ?? '');
      if (!transient || attempt > retries) throw new ConnectError(maskUrl(url), describe(error, url), attempt, error);
      await sleep(delay);
      delay = Math.min(delay * 2, 4_000);
    }
  }
}

/** Opens a first connection, retrying transient failures with exponential backoff; exit 4 after. */
export async function connect(options: ConnectOptions): Promise<Sequelize> {
  const sequelize = createSequelize(options);
  try {
    await withConnectRetries(options.url, () => sequelize.authenticate({ logging: false }), options.retries, options.retryDelayMs);
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    throw error;
  }
  const version = (sequelize as unknown as { options: { databaseVersion?: string | number } }).options.databaseVersion;
  if (typeof version === 'string') serverVersions.set(serverKey(parseConnectionString(options.url)), version);
  recordTypeCatalog(sequelize, options.typeCatalog);
  return sequelize;
}

type PgClient = import('pg').Client;

/**
 * @internal
 * The one place a plain pg client is made. pg is loaded on first use: commands that connect to
 * nothing (`--version`, `--help`, `create`) do not pay for it.
 */
export function newClient(config: import('pg').ClientConfig): PgClient {
  const { Client } = loadPg();
  return new Client(config);
}

/**
 * pg, loaded before anything else asks for it. At load, pg checks whether it runs on Cloudflare
 * Workers: on Node 20, which has no `navigator`, it does so by constructing a `Response`, and that
 * loads Node's fetch (undici), about 15 ms of every command that connects. For that one load, a
 * `navigator` that says Node answers the check instead; Node 21+ has its own and is left alone.
 */
function loadPg(): typeof import('pg') {
  const global = globalThis as { navigator?: unknown };
  const shim = global.navigator === undefined;
  if (shim) global.navigator = { userAgent: `Node.js/${process.versions.node}` };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg') as typeof import('pg');
  } finally {
    if (shim) delete global.navigator;
  }
}

/**
 * The version the server reports as a plain connection starts, kept for the Sequelize instances
 * made after it (`up` reads its history first): the first of them then opens no connection to learn it.
 */
function learnServerVersion(client: PgClient, url: string): void {
  const startup = (client as unknown as { connection: import('node:events').EventEmitter }).connection;
  startup.on('parameterStatus', (message: { parameterName: string; parameterValue: string }) => {
    if (message.parameterName !== 'server_version') return;
    const [major = '0', minor = '0', patch = '0'] = /^\d+(?:\.\d+){0,2}/.exec(message.parameterValue)?.[0].split('.') ?? [];
    serverVersions.set(serverKey(parseConnectionString(url)), `${major}.${minor}.${patch}`);
  });
}

/** @internal Plain connections shared by many reads, one read at a time each (see `sharedClients`). */
export interface SharedClients {
  use<T>(fn: (client: PgClient) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/**
 * @internal
 * Up to `max` plain connections that many reads share until `end`: a fan-out's tenants read their
 * histories on them, instead of each opening one of its own for a few SELECTs (a backend the server
 * forks and warms per tenant). A read that fails gives its connection up; the next opens another.
 */
export function sharedClients(url: string, purpose: string, max: number): SharedClients {
  const { Pool } = loadPg();
  const pool = new Pool({ connectionString: url, application_name: applicationName(purpose), connectionTimeoutMillis: 10_000, max, idleTimeoutMillis: 0 });
  // An idle connection the server closes is dropped by the pool; the error it reports is not the run's.
  pool.on('error', () => undefined);
  return {
    async use(fn) {
      const client = await withConnectRetries(url, () => pool.connect());
      let failed = false;
      try {
        return await fn(client);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        client.release(failed);
      }
    },
    end: () => pool.end(),
  };
}

/** @internal One plain pg connection for `fn` (reading, no Sequelize), always closed; the same retries as `connect`. */
export async function withClient<T>(url: string, purpose: string, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await withConnectRetries(url, async () => {
    const attempt = newClient({ connectionString: url, application_name: applicationName(purpose), connectionTimeoutMillis: 10_000 });
    learnServerVersion(attempt, url);
    try {
      await attempt.connect();
    } catch (error) {
      await attempt.end().catch(() => undefined);
      throw error;
    }
    return attempt;
  });
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

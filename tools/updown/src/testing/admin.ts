/**
 * CREATE / DROP / COMMENT ON DATABASE for the test harness, on the server's maintenance database.
 * Identifiers go through quoteIdent; COMMENT takes no bind parameter, so its text is quoted by the
 * server (format %L) from a bound value.
 */
import { Pool } from 'pg';
import { applicationName, maskUrl } from '../connection';
import { maintenanceUrl } from '../database';
import { ConnectError } from '../errors';
import { quoteIdent } from '../quote';

/** A database of the harness, as pg_database sees it. */
export interface DatabaseInfo {
  name: string;
  isTemplate: boolean;
  allowConnections: boolean;
  /** COMMENT ON DATABASE, parsed when it is the harness's JSON; undefined otherwise. */
  label?: Label;
}

/** What the harness writes in a database's comment. */
export interface Label {
  updown: 'template' | 'worker';
  fingerprint?: string;
  /** Workers: clean (as cloned, nobody connected yet) or dirty (handed to a run). */
  state?: 'building' | 'clean' | 'dirty';
}

export interface Admin {
  /** Databases named `prefix` or starting with it. */
  list(prefix: string): Promise<DatabaseInfo[]>;
  create(name: string, template?: string): Promise<void>;
  /** Drops it (a template too), ending its sessions; no error when it does not exist. */
  drop(name: string): Promise<void>;
  /** Labels several databases in one round trip. */
  label(labels: Array<[name: string, label: Label]>): Promise<void>;
  /** IS_TEMPLATE true, ALLOW_CONNECTIONS false, then ends any session still on it (a clone fails while one is). */
  seal(name: string): Promise<void>;
  close(): Promise<void>;
}

function parseLabel(comment: string | null): Label | undefined {
  if (!comment) return undefined;
  try {
    const parsed = JSON.parse(comment) as Label;
    return parsed && (parsed.updown === 'template' || parsed.updown === 'worker') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A small pool on the maintenance database (CREATE DATABASE cannot run in a transaction: each query autocommits). */
export function openAdmin(serverUrl: string, concurrency = 4): Admin {
  const url = maintenanceUrl(serverUrl);
  const pool = new Pool({ connectionString: url, max: concurrency, application_name: applicationName('test databases') });
  pool.on('error', () => undefined); // an idle client the server closed: the next query reconnects
  const query = async <R extends Record<string, unknown>>(sql: string, values: unknown[] = []) => {
    try {
      return (await pool.query<R>(sql, values)).rows;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
        throw new ConnectError(maskUrl(url), (error as Error).message, 1, error);
      }
      throw error;
    }
  };
  return {
    async list(prefix) {
      const rows = await query<{ name: string; is_template: boolean; allow_connections: boolean; comment: string | null }>(
        `SELECT datname AS name, datistemplate AS is_template, datallowconn AS allow_connections,
                shobj_description(oid, 'pg_database') AS comment
           FROM pg_database WHERE left(datname, length($1)) = $1 ORDER BY datname`,
        [prefix],
      );
      return rows.map((row) => ({
        name: row.name,
        isTemplate: row.is_template,
        allowConnections: row.allow_connections,
        label: parseLabel(row.comment),
      }));
    },
    async create(name, template) {
      await query(`CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
    },
    async drop(name) {
      // A template cannot be dropped: make it an ordinary database first (no-op when it is one).
      const [found] = await query<{ is_template: boolean }>('SELECT datistemplate AS is_template FROM pg_database WHERE datname = $1', [name]);
      if (!found) return;
      if (found.is_template) await query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
      await query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
    async label(labels) {
      if (labels.length === 0) return;
      const [row] = await query<{ sql: string }>(
        `SELECT string_agg(format('COMMENT ON DATABASE %s IS %L', d, c), '; ') AS sql FROM unnest($1::text[], $2::text[]) AS t(d, c)`,
        [labels.map(([name]) => quoteIdent(name)), labels.map(([, label]) => JSON.stringify(label))],
      );
      await query(row.sql);
    },
    async seal(name) {
      await query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    },
    close: () => pool.end(),
  };
}

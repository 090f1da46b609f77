import { maskUrl } from '../connection';
import { UsageError } from '../errors';
import type { Section } from './environment';

/** libpq's sslmode for what a section's `dialectOptions.ssl` asks of pg. */
export type SslMode = 'verify-full' | 'no-verify';

/** The connection fields of a section, as Sequelize names them. */
export interface ConnectionFields {
  username?: string;
  password?: string;
  host?: string;
  port?: string;
  database?: string;
}

/**
 * Where a sequelize-cli project says its database is, without reading the environment yet (an
 * unset variable only matters when nothing else names the database).
 */
export type DatabaseSpec = { origin: string; ssl?: SslMode } & (
  | { kind: 'url'; url: string }
  | { kind: 'env'; variable: string }
  | { kind: 'fields'; fields: ConnectionFields }
);

export interface DatabaseUrl {
  url: string;
  /** Where it came from, for the target line (never the URL itself). */
  source: string;
}

const FIELDS = ['username', 'password', 'host', 'port', 'database'] as const;

function text(section: Section, key: string, origin: string): string | undefined {
  const value = section[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' || (typeof value === 'number' && key === 'port')) return String(value);
  throw new UsageError(`${origin}: "${key}" must be a string, not ${typeof value}`);
}

/** `dialectOptions.ssl` as pg reads it: `true` or an object verifies the server, `rejectUnauthorized: false` does not. */
export function sslMode(section: Section, origin: string): SslMode | undefined {
  const ssl = (section.dialectOptions as { ssl?: unknown } | undefined)?.ssl;
  if (!ssl) return undefined;
  if (typeof ssl !== 'object') return 'verify-full';
  const inline = ['ca', 'cert', 'key', 'pfx'].filter((key) => key in ssl);
  if (inline.length) {
    throw new UsageError(
      `${origin}: dialectOptions.ssl.${inline[0]} holds certificate contents, which updown cannot pass on: ` +
        'pass --url with sslmode=verify-full&sslrootcert=/path/to/ca.pem (and sslcert/sslkey) instead',
    );
  }
  return (ssl as { rejectUnauthorized?: unknown }).rejectUnauthorized === false ? 'no-verify' : 'verify-full';
}

function checkDialect(section: Section, origin: string): void {
  const dialect = section.dialect;
  if (dialect === undefined || dialect === 'postgres' || dialect === 'postgresql') return;
  throw new UsageError(`${origin}: dialect "${String(dialect)}" is not PostgreSQL; updown runs on PostgreSQL only (set dialect to "postgres")`);
}

/** sequelize-cli's order: `url` first, then `use_env_variable`, then the separate fields. */
export function databaseSpec(section: Section, origin: string): DatabaseSpec | undefined {
  checkDialect(section, origin);
  const ssl = sslMode(section, origin);
  const url = text(section, 'url', origin);
  if (url) return { kind: 'url', url, origin, ssl };
  const variable = text(section, 'use_env_variable', origin);
  if (variable) return { kind: 'env', variable, origin, ssl };
  const fields: ConnectionFields = {};
  for (const key of FIELDS) fields[key] = text(section, key, origin);
  if (!fields.database && !fields.host && !fields.username && !fields.port) return undefined;
  return { kind: 'fields', fields, origin, ssl };
}

/** A URL from separate fields; user, password and database are encoded, so `@`, `:` and `/` in them survive. */
export function urlFromFields(fields: ConnectionFields): string {
  const enc = encodeURIComponent;
  const auth = fields.username ? `${enc(fields.username)}${fields.password ? `:${enc(fields.password)}` : ''}@` : '';
  const host = fields.host ?? 'localhost';
  const database = enc(fields.database ?? '');
  // A folder is a Unix socket: libpq and pg take it as the `host` parameter.
  if (host.startsWith('/')) return `postgres://${auth}/${database}?host=${enc(host)}${fields.port ? `&port=${enc(fields.port)}` : ''}`;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `postgres://${auth}${bracketed}${fields.port ? `:${fields.port}` : ''}/${database}`;
}

/** Adds the section's sslmode unless the URL already says how to use SSL. */
export function withSsl(url: string, ssl: SslMode | undefined): string {
  if (!ssl || /[?&](sslmode|ssl)=/i.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}sslmode=${ssl}`;
}

function checkPostgresUrl(url: string, where: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) return url;
  throw new UsageError(`${where} is not a PostgreSQL URL (${maskUrl(url)}): updown runs on PostgreSQL only`);
}

/** The URL a spec names, reading the environment for `use_env_variable`. */
export function databaseUrl(spec: DatabaseSpec, env: NodeJS.ProcessEnv): DatabaseUrl {
  switch (spec.kind) {
    case 'url':
      return { url: withSsl(checkPostgresUrl(spec.url, `${spec.origin}: url`), spec.ssl), source: `${spec.origin}: url` };
    case 'env': {
      const value = env[spec.variable];
      if (!value) {
        throw new UsageError(
          `${spec.origin} says use_env_variable "${spec.variable}", but ${spec.variable} is not set: set it (the shell or .env), or pass --url`,
        );
      }
      const source = `${spec.origin}: use_env_variable ${spec.variable}`;
      return { url: withSsl(checkPostgresUrl(value, `${spec.variable} (${source})`), spec.ssl), source };
    }
    case 'fields':
      return { url: withSsl(urlFromFields(spec.fields), spec.ssl), source: `${spec.origin}: ${FIELDS.filter((key) => spec.fields[key]).join(', ')}` };
  }
}

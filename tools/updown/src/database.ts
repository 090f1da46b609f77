import type { Client } from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { ConnectError } from './errors';
import { maskUrl, newClient } from './connection';
import { quoteIdent } from './quote';

/** The URL with another database name (same server, user and options). */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The same server's maintenance database, for CREATE/DROP DATABASE. */
export function maintenanceUrl(url: string): string {
  return urlForDatabase(url, 'postgres');
}

export function databaseName(url: string): string {
  const name = parseConnectionString(url).database;
  if (!name) throw new Error(`${maskUrl(url)} names no database`);
  return name;
}

/** @internal A short-lived session on the server's maintenance database, always closed (not public: its `pg` types would need @types/pg). */
export async function withMaintenanceClient<T>(url: string, fn: (client: Client) => Promise<T>, applicationName = 'updown database admin'): Promise<T> {
  const client = newClient({ connectionString: maintenanceUrl(url), application_name: applicationName });
  try {
    await client.connect();
  } catch (error) {
    throw new ConnectError(maskUrl(maintenanceUrl(url)), (error as Error).message, 1, error);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the URL's database when it does not exist yet; returns whether it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withMaintenanceClient(url, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (error) {
      // Another process created it between our check and our CREATE: that is what we wanted.
      if ((error as { code?: string }).code !== '42P04' && (error as { code?: string }).code !== '23505') throw error;
      return false;
    }
    return true;
  });
}

/** Drops the URL's database, ending its other sessions first (test databases only). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withMaintenanceClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

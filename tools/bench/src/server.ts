/**
 * The database server every figure is measured on: DATABASE_URL's server when set, else the
 * embedded PostgreSQL with a data folder of its own (.updown/bench-embedded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { maskUrl } from '../../updown/src/connection';
import { urlForDatabase } from '../../updown/src/database';
import { startEmbedded } from '../../updown/src/embedded';
import { quoteIdent } from '../../updown/src/quote';

export interface BenchServer {
  /** The maintenance database's URL; `urlFor(db)` for another one on the same server. */
  url: string;
  label: string;
  settings: Record<string, string>;
  urlFor(database: string): string;
  /** A connection to the maintenance database, for CREATE/DROP DATABASE. */
  admin: Client;
  /** A connection to another database (closed by the caller). */
  connect(database: string): Promise<Client>;
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openServer(repoRoot: string, log: (message: string) => void): Promise<BenchServer> {
  let url = process.env.DATABASE_URL;
  let stop: () => Promise<void> = async () => undefined;
  let label: string;
  if (url) {
    url = urlForDatabase(url, 'postgres');
    label = `DATABASE_URL (${maskUrl(url)})`;
  } else {
    const dataDir = path.join(repoRoot, '.updown', 'bench-embedded');
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    const embedded = await startEmbedded({ dataDir, log });
    url = embedded.url;
    stop = embedded.stop;
    label = `embedded PostgreSQL (${embedded.dataDir}, port ${embedded.port})`;
  }
  const connect = async (database: string) => {
    const client = new Client({ connectionString: urlForDatabase(url!, database), application_name: 'updown bench' });
    await client.connect();
    return client;
  };
  const admin = await connect('postgres');
  const settings: Record<string, string> = {};
  const { rows } = await admin.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'wal_level')",
  );
  for (const row of rows) settings[row.name] = row.setting;
  return {
    url: url!,
    label,
    settings,
    urlFor: (database) => urlForDatabase(url!, database),
    admin,
    connect,
    createDatabase: async (name, template) => {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
    },
    dropDatabase: async (name) => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
    close: async () => {
      await admin.end().catch(() => undefined);
      await stop();
    },
  };
}

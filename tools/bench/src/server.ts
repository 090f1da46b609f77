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
  /** A fresh database for a tool's pass: created, with BENCH_DATABASE_SETTINGS applied to every session on it. */
  createBenchDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /**
   * Flushes the server's dirty pages before a timed step (README, "What it does", step 3), so no step
   * pays for a checkpoint that earlier steps' WAL made due. False when the role may not (it needs
   * superuser or pg_checkpoint): the bench then runs without.
   */
  checkpoint(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Every bench database gets PostgreSQL's default durability whatever the server's own setting (the
 * embedded server runs with synchronous_commit=off): issue 9's targets are stated with fsync and
 * synchronous_commit on, where every COMMIT waits for its WAL flush, for the floor and every tool alike.
 */
export const BENCH_DATABASE_SETTINGS: Record<string, string> = { synchronous_commit: 'on' };

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
  let mayCheckpoint = true;
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
    createBenchDatabase: async (name) => {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
      for (const [key, value] of Object.entries(BENCH_DATABASE_SETTINGS)) {
        await admin.query(`ALTER DATABASE ${quoteIdent(name)} SET ${quoteIdent(key)} TO '${value.replace(/'/g, "''")}'` /* SET takes no bound parameter */);
      }
    },
    dropDatabase: async (name) => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
    checkpoint: async () => {
      if (!mayCheckpoint) return false;
      try {
        await admin.query('CHECKPOINT');
      } catch (error) {
        if ((error as { code?: string }).code !== '42501') throw error;
        mayCheckpoint = false;
      }
      return mayCheckpoint;
    },
    close: async () => {
      await admin.end().catch(() => undefined);
      await stop();
    },
  };
}

import type { Client } from 'pg';
import { applicationName, maskUrl, newClient } from '../connection';
import { qualify } from '../quote';

export interface TrackingTable {
  schema: string;
  table: string;
}

export interface TableState {
  exists: boolean;
  /** The names recorded, as the table holds them (sequelize-cli keeps the extension). */
  names: string[];
}

export type Probe = { reachable: true; tables: TableState[] } | { reachable: false; reason: string };

/** Short: `adopt` is a report, and an unreachable database is only a note in it. */
const CONNECT_TIMEOUT_MS = 5_000;

async function readTable(client: Client, { schema, table }: TrackingTable): Promise<TableState> {
  const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [qualify(schema, table)]);
  if (!rows[0]?.found) return { exists: false, names: [] };
  const names = await client.query<{ name: string }>(`SELECT name FROM ${qualify(schema, table)} ORDER BY name`);
  return { exists: true, names: names.rows.map((row) => row.name) };
}

/** Best effort, read only: whether each tracking table exists and what it holds. Never throws. */
export async function probeTables(url: string, tables: TrackingTable[]): Promise<Probe> {
  const client = newClient({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: applicationName('adopt') });
  try {
    await client.connect();
    const states: TableState[] = [];
    for (const table of tables) states.push(await readTable(client, table));
    return { reachable: true, tables: states };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    const reason = String(message ?? error).split(url).join(maskUrl(url));
    return { reachable: false, reason: code ? `${reason} [${code}]` : reason };
  } finally {
    await client.end().catch(() => undefined);
  }
}

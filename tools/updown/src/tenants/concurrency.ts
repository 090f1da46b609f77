/**
 * How many tenants run at a time. Each tenant holds up to CONNECTIONS_PER_TENANT connections, so
 * the ceiling comes from what the server has left: max_connections, less the reserved slots, the
 * connections already open, and a margin for the application. Under that ceiling the default
 * follows the CPUs: a tenant's files alternate between this process's work and the server's (a
 * COMMIT waits for its WAL flush), so two per core keep both busy.
 */
import os from 'node:os';
import { withClient } from '../connection';
import type { Logger } from '../types';

/**
 * The tenant's lock connection, its file's transaction, one more while a `transaction = false` file
 * runs, and the connection its history was read on first (one per tenant at a time, kept for the run).
 */
export const CONNECTIONS_PER_TENANT = 4;
/** A ceiling on the default (not on `--concurrency`): past it the server's WAL flushes are the limit. */
const DEFAULT_CEILING = 16;

export interface ConnectionRoom {
  maxConnections: number;
  reserved: number;
  inUse: number;
  /** Kept free for the application and for people: 10 % of max_connections, at least 5. */
  margin: number;
}

export async function connectionRoom(url: string): Promise<ConnectionRoom> {
  return withClient(url, 'tenants', async (client) => {
    const { rows } = await client.query<{ max: number; reserved: number; in_use: number }>(
      `SELECT current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int
                + coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
              (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS in_use`,
    );
    const { max, reserved, in_use: inUse } = rows[0]!;
    return { maxConnections: max, reserved, inUse, margin: Math.max(5, Math.ceil(max / 10)) };
  });
}

/** How many tenants fit at once in what the server has left (at least 1). */
export function tenantsThatFit(room: ConnectionRoom): number {
  const free = room.maxConnections - room.reserved - room.inUse - room.margin;
  return Math.max(1, Math.floor(free / CONNECTIONS_PER_TENANT));
}

/** `--concurrency` if given and it fits, else the default; never more than the tenants or the room. */
export function chooseConcurrency(room: ConnectionRoom, tenants: number, requested: number | undefined, logger: Logger): number {
  const fit = tenantsThatFit(room);
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const wanted = requested ?? Math.min(DEFAULT_CEILING, Math.max(2, 2 * cpus));
  if (requested !== undefined && requested > fit) {
    logger.warn(
      `--concurrency ${requested} would need up to ${requested * CONNECTIONS_PER_TENANT} connections; the server has room for ` +
        `${fit * CONNECTIONS_PER_TENANT} (max_connections ${room.maxConnections}, ${room.reserved} reserved, ${room.inUse} in use, ` +
        `${room.margin} kept free): running ${fit} tenants at a time`,
    );
  }
  return Math.max(1, Math.min(wanted, fit, tenants));
}

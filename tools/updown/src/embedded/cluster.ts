/**
 * Creating the cluster (initdb). Runs under the start lock, so only one process initialises a
 * data folder; initdb still writes into a private staging folder renamed into place, so that an
 * initdb killed half-way never leaves a half-made cluster where the next start would use it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { binPath, type Binaries } from './binaries';
import { isAlive, run } from './processes';
import type { RunAs } from './user';

export function hasCluster(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

export async function initCluster(binaries: Binaries, dataDir: string, runAs: RunAs | undefined, log: (m: string) => void): Promise<void> {
  removeStaleStaging(path.dirname(dataDir), path.basename(dataDir));
  const staging = `${dataDir}.init-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    if (runAs) fs.chownSync(staging, runAs.uid, runAs.gid);
    const started = Date.now();
    log(`embedded PostgreSQL: initialising a new cluster in ${dataDir}`);
    const args = ['--pgdata', staging, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-instructions'];
    const result = await run(binPath(binaries, 'initdb'), args, runAs);
    if (result.code !== 0) throw new Error(`embedded PostgreSQL: initdb failed (exit ${result.code}):\n${result.output.trim()}`);
    moveIntoPlace(staging, dataDir);
    log(`embedded PostgreSQL: cluster initialised in ${Date.now() - started} ms`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function moveIntoPlace(staging: string, dataDir: string): void {
  try {
    fs.renameSync(staging, dataDir); // also replaces an empty folder
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    throw new Error(`embedded PostgreSQL: ${dataDir} is not empty and holds no cluster (no PG_VERSION); move it away or pick another folder`);
  }
}

/** Leftovers of an initdb whose process died (`<name>.init-<pid>-<hex>`). */
function removeStaleStaging(parent: string, name: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(parent);
  } catch {
    return;
  }
  const pattern = /^(\d+)-[0-9a-f]+$/;
  for (const entry of entries) {
    const match = entry.startsWith(`${name}.init-`) ? pattern.exec(entry.slice(name.length + 6)) : null;
    if (match && !isAlive(Number(match[1]))) fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}

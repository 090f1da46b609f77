/**
 * The fixed cost of a process, beside `node -e 0` measured in the same run: `--version` of updown
 * and of the two CLIs it is compared with, and updown's `migrate status` and `migrate up` (nothing
 * pending) on the sample backend (apps/backend, its own migrations, on a bench database migrated
 * once, untimed). The peers' status and up-with-nothing-pending come from their passes (tool-run.ts).
 */
import path from 'node:path';
import { run } from './measure';
import { nodeBin } from './peers/tool';
import { UPDOWN_BIN } from './peers/updown';
import type { BenchServer } from './server';

export type FixedKey = 'node' | 'updownVersion' | 'knexVersion' | 'nodePgMigrateVersion' | 'backendStatus' | 'backendUpAgain';

export const FIXED_LABELS: Record<FixedKey, string> = {
  node: 'node -e 0',
  updownVersion: 'updown --version',
  knexVersion: 'knex --version',
  nodePgMigrateVersion: 'node-pg-migrate --version',
  backendStatus: 'updown migrate status (sample backend)',
  backendUpAgain: 'updown migrate up, nothing pending (sample backend)',
};

const repoRoot = path.resolve(__dirname, '../../..');
const backendDir = path.join(repoRoot, 'apps/backend');
const BACKEND_DB = 'bench_backend';

/** Migrates the sample backend's own migrations into a bench database (untimed), once per bench. */
export async function prepareBackend(server: BenchServer): Promise<void> {
  await server.dropDatabase(BACKEND_DB);
  await server.createBenchDatabase(BACKEND_DB);
  run(process.execPath, [UPDOWN_BIN, 'migrate', 'up', '--url', server.urlFor(BACKEND_DB)], { cwd: backendDir });
}

export const dropBackend = (server: BenchServer) => server.dropDatabase(BACKEND_DB);

/** One sample of each process, one after the other (a run's samples share the machine's state). */
export function measureFixed(server: BenchServer): Record<FixedKey, number> {
  const url = server.urlFor(BACKEND_DB);
  const version = (name: string, flag: string) => {
    const command = nodeBin(name, name, [flag], repoRoot);
    return run(command.file, command.args, { cwd: command.cwd }).ms;
  };
  return {
    node: run(process.execPath, ['-e', '0']).ms,
    updownVersion: run(process.execPath, [UPDOWN_BIN, '--version'], { cwd: repoRoot }).ms,
    knexVersion: version('knex', '--version'),
    nodePgMigrateVersion: version('node-pg-migrate', '--version'),
    backendStatus: run(process.execPath, [UPDOWN_BIN, 'migrate', 'status', '--url', url], { cwd: backendDir }).ms,
    backendUpAgain: run(process.execPath, [UPDOWN_BIN, 'migrate', 'up', '--url', url], { cwd: backendDir }).ms,
  };
}

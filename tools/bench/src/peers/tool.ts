/**
 * The one small interface every measured tool implements (updown, its peers, the psql floor), so
 * the scenario runs them all the same way: write the tool's project for the workload, then spawn
 * one whole process per step, against a database URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Workload } from '../generate';

/** The timed steps: `upAgain` is `up` with nothing pending (the fixed cost of a change command). */
export type Step = 'up' | 'status' | 'upAgain' | 'down';
export const STEPS: readonly Step[] = ['up', 'status', 'upAgain', 'down'];

export interface Command {
  file: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export interface Tool {
  /** Short key: the project folder `<root>/<key>` and the database `bench_<N>_<key>`. */
  key: string;
  /** As printed in the tables, with the version measured (`knex 3.3`). */
  label: string;
  /**
   * How the tool commits in this mode: every file on its own (`per-file`), or all pending files in one
   * transaction (`batch`). The floor of each kind is the `floor` of that kind.
   */
  commits: 'per-file' | 'batch';
  floor?: boolean;
  /** The table the tool keeps its history in (schema public): checked after every step. */
  trackingTable: string;
  /**
   * At most this many runs at N ≥ 1000 (the first ones), for a tool so slow there that more runs
   * would not fit `make bench`'s time and would not change its place in the table.
   */
  largeRuns?: number;
  /** Run on the fresh database before `up`, untimed (the floor's tracking table). */
  setupSql?: string;
  /** Writes the tool's project into `dir` and returns the process of each step it offers. */
  prepare(work: Workload, dir: string): Partial<Record<Step, (url: string) => Command>>;
}

const repoRoot = path.resolve(__dirname, '../../../..');

/** The folder of an installed package, found from tools/bench upwards (npm hoists to the root). */
export function packageDir(name: string): string {
  for (let dir = path.join(repoRoot, 'tools/bench'); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === path.dirname(dir)) throw new Error(`bench: ${name} is not installed (npm ci installs tools/bench's dev dependencies)`);
  }
}

/** `major.minor` of an installed package, for the row's label. */
export function packageVersion(name: string): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string };
  return version.split('.').slice(0, 2).join('.');
}

/** `node <the package's bin script> ...args`: the same Node as the bench, no shell, no npx. */
export function nodeBin(name: string, bin: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Command {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const script = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  return { file: process.execPath, args: [path.join(packageDir(name), script), ...args], cwd, env };
}

/** The environment a peer's process gets: the parent's, with the database and environment set. */
export function peerEnv(url: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: url, NODE_ENV: 'development' };
}

/** JavaScript source text of a value (the generated files embed names and column definitions). */
export const js = (value: unknown) => JSON.stringify(value);

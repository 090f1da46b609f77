/**
 * Times whole processes (wall clock from spawn to exit) and reads their peak memory (max RSS).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Sample {
  ms: number;
  /** Peak resident memory of the process, in MB; undefined when it cannot be read here. */
  maxRssMb?: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);
const rssFile = path.join(os.tmpdir(), `updown-bench-rss-${process.pid}`);

/**
 * Runs `command args` to completion and fails loudly on a non-zero exit. Wrapped in GNU time
 * (`-f %M`: max RSS in KB) when it is installed: the same ~1 ms of wrapper for every process timed.
 */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Sample {
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd: options.cwd, env: options.env, input: options.input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${path.basename(command)} ${args.slice(0, 4).join(' ')} … exited ${result.status}:\n${result.stderr || result.stdout}`);
  }
  let maxRssMb: number | undefined;
  if (hasGnuTime) {
    const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    fs.rmSync(rssFile, { force: true });
    if (Number.isFinite(kb)) maxRssMb = kb / 1024;
  }
  return { ms, maxRssMb, stdout: result.stdout };
}

/** A feature probe: exits 0 and, when `expect` is given, prints it (e.g. `migrate verify --help`). */
export function exitsZero(command: string, args: string[], cwd?: string, expect?: string): boolean {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return result.status === 0 && (expect === undefined || result.stdout.includes(expect));
}

/** Times an async step in this process (statements sent on an open connection). */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

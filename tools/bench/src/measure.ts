/**
 * Times whole processes (wall clock from spawn to exit) and reads their peak memory (max RSS): of
 * the process (GNU time), or of its whole process tree (sampled from /proc, `runTree`).
 */
import { spawn, spawnSync } from 'node:child_process';
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
  return { ms, maxRssMb: readGnuTimeRss(), stdout: result.stdout };
}

export interface TreeSample extends Sample {
  /**
   * The largest sum of the tree's resident memory seen (every process the command started, sampled
   * every TREE_SAMPLE_MS from /proc), in MB; undefined without /proc. GNU time's figure is the largest
   * single process only (getrusage reports the biggest child, not the sum).
   */
  treeRssMb?: number;
}

// Often enough for a run of seconds; each sample reads /proc/<pid>/stat of every process (≈ 1 ms).
const TREE_SAMPLE_MS = 200;

/** Parent pid of every process, from /proc/<pid>/stat (the field after the parenthesised name). */
function parents(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = children.get(ppid) ?? [];
    siblings.push(Number(entry));
    children.set(ppid, siblings);
  }
  return children;
}

/** Resident memory (kB) of `root` and every descendant; 0 for a process that has exited. */
function treeRssKb(root: number, children: Map<number, number[]>): number {
  let total = 0;
  for (const stack = [root]; stack.length; ) {
    const pid = stack.pop()!;
    try {
      const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
      total += line ? Number(line[1]) : 0;
    } catch {
      // exited between the two reads
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * `run` for a process that may start others: the same timing and GNU time figure, plus the peak of
 * the whole tree's resident memory (GNU time's own wrapper process is left out of the sum).
 */
export async function runTree(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TreeSample> {
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const sampling = fs.existsSync('/proc/self/status');
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let peakKb = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    const children = parents();
    const roots = hasGnuTime ? (children.get(child.pid) ?? []) : [child.pid];
    peakKb = Math.max(peakKb, roots.reduce((sum, pid) => sum + treeRssKb(pid, children), 0));
  };
  const timer = sampling ? setInterval(sample, TREE_SAMPLE_MS) : undefined;
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => clearInterval(timer));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (status !== 0) throw new Error(`${path.basename(command)} ${args.slice(0, 4).join(' ')} … exited ${status}:\n${stderr || stdout}`);
  const maxRssMb = readGnuTimeRss();
  // The tree's peak is at least its biggest process's, which a sample may have missed.
  const treeRssMb = sampling ? Math.max(peakKb / 1024, maxRssMb ?? 0) : undefined;
  return { ms, maxRssMb, treeRssMb, stdout };
}

/** GNU time's max RSS of the last process it wrapped, in MB (its file removed). */
function readGnuTimeRss(): number | undefined {
  if (!hasGnuTime) return undefined;
  const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  fs.rmSync(rssFile, { force: true });
  return Number.isFinite(kb) ? kb / 1024 : undefined;
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

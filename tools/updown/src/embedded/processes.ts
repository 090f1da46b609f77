/**
 * Facts about OS processes that the bookkeeping relies on (is a pid alive, is it still the same
 * process, is it a postgres), and running initdb / postgres with a clean environment.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { RunAs } from './user';

/** A process as written to a file: the pid plus its start time, so that a recycled pid is not taken for it. */
export interface ProcessIdentity {
  pid: number;
  /** Opaque and only compared for equality; '' when the platform cannot tell. */
  start: string;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** From `/proc/<pid>/stat`; undefined without /proc (or once the process is gone). */
function procStat(pid: number): { dead: boolean; start: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // After the command name (which may contain spaces): field 3 is the state, field 22 the start time.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { dead: fields[0] === 'Z' || fields[0] === 'X', start: fields[19] ?? '' }; // Z: a zombie, not yet reaped
}

/** When `pid` started ('' when unknown); undefined when it does not run (zombies included). */
export function processStart(pid: number): string | undefined {
  if (!isAlive(pid)) return undefined;
  const stat = procStat(pid);
  if (stat) return stat.dead ? undefined : stat.start;
  const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }); // no /proc (macOS)
  return ps.status === 0 ? ps.stdout.trim() : '';
}

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  return (self ??= { pid: process.pid, start: processStart(process.pid) ?? '' });
}

export function isIdentityAlive(identity: ProcessIdentity): boolean {
  const start = processStart(identity.pid);
  return start !== undefined && (start === '' || identity.start === '' || start === identity.start);
}

/** Alive, not a zombie, and (where /proc exists) really a postgres: a recycled pid is not a server. */
export function isPostgresAlive(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const stat = procStat(pid);
  if (!stat) return isAlive(pid); // no /proc (macOS): trust kill(0)
  if (stat.dead) return false;
  try {
    return /postgres/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false; // exited meanwhile
  }
}

/** Signals a server by pid, only while that pid still is a postgres (never a process that reused the pid). */
export function signalPostgres(pid: number, name: NodeJS.Signals): void {
  try {
    if (isPostgresAlive(pid)) process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** The environment of initdb / postgres: English messages (we read the log), no PG* variables leaking in. */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PG') && !key.startsWith('LC_') && key !== 'LANG') env[key] = value;
  }
  env.LC_ALL = 'C';
  return env;
}

/** Runs a command to completion and collects its stdout and stderr together. */
export function run(file: string, args: string[], runAs: RunAs | undefined): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(runAs ?? {}), env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

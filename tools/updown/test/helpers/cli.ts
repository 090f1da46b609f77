import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { main } from '../../src/cli/index';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const BIN = path.resolve(__dirname, '../../bin/updown.js');
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Variables that would change what the CLI targets: tests pass them explicitly or not at all. */
const AMBIENT = ['DATABASE_URL', 'DATABASE_SCHEMA', 'UPDOWN_LOCK_TIMEOUT', 'NODE_ENV', 'FORCE_COLOR', 'TEST_DATABASE_URL'];

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export const stripAnsi = (text: string): string => text.replace(ANSI, '');

export interface RunOptions {
  /** Extra environment; the ambient DATABASE_URL, DATABASE_SCHEMA, … are removed first. */
  env?: Record<string, string>;
  cwd?: string;
}

/** A CLI process started by `startCli`: signal it, watch its output, await its end. */
export interface Started {
  child: ChildProcess;
  /** What the process has printed so far, as it arrives (NO_COLOR is set, so no colours). */
  readonly output: { stdout: string; stderr: string };
  /** Resolves when the process has exited and its output is closed: `code` is null when a signal killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `node bin/updown.js …` as a real process, for tests that signal or kill it while it runs. */
export function startCli(args: string[], options: RunOptions = {}): Started {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of AMBIENT) delete env[name];
  Object.assign(env, { NO_COLOR: '1' }, options.env);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: stripAnsi(output.stdout), stderr: stripAnsi(output.stderr) }));
  });
  return { child, output, exited };
}

/** Runs `node bin/updown.js …` as a real process (about 0.7 s each): only for tests about processes. */
export async function spawnCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const { code, signal, stdout, stderr } = await startCli(args, options).exited;
  if (code === null) throw new Error(`updown ${args.join(' ')} was killed by ${signal}\n${stderr}`);
  return { code, stdout, stderr };
}

export interface InProcess extends Promise<CliResult> {
  /** What the run has printed so far (for tests that react to progress, e.g. a lock wait). */
  readonly output: { stdout: string; stderr: string };
}

/**
 * Runs the CLI in this process through `main(argv, io)` and captures its output. Environment
 * overrides apply to process.env while it runs: do not overlap two runs that set different ones.
 */
export function runCli(args: string[], options: RunOptions = {}): InProcess {
  const output = { stdout: '', stderr: '' };
  const saved = new Map<string, string | undefined>();
  const touched = [...AMBIENT, ...Object.keys(options.env ?? {})];
  for (const name of touched) saved.set(name, process.env[name]);
  for (const name of AMBIENT) delete process.env[name];
  Object.assign(process.env, options.env);
  const restore = () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  const io = { stdout: (text: string) => void (output.stdout += text), stderr: (text: string) => void (output.stderr += text) };
  const run = main(args, io).then(
    (code) => {
      restore();
      return { code, stdout: stripAnsi(output.stdout), stderr: stripAnsi(output.stderr) };
    },
    (error: unknown) => {
      restore();
      throw error;
    },
  );
  return Object.assign(run, { output });
}

/** Parses stdout that must hold exactly one JSON document and nothing else. */
export function onlyJson<T = Record<string, unknown>>(stdout: string): T {
  const trimmed = stdout.trim();
  expect(trimmed.split('\n')).toHaveLength(1);
  return JSON.parse(trimmed) as T;
}

import { spawn } from 'node:child_process';
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

/** Runs `node bin/updown.js …` as a real process (about 0.7 s each): only for tests about processes. */
export function spawnCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of AMBIENT) delete env[name];
  Object.assign(env, { NO_COLOR: '1' }, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) reject(new Error(`updown ${args.join(' ')} was killed by ${signal}\n${stderr}`));
      else resolve({ code, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) });
    });
  });
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

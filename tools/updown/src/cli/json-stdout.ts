/**
 * `--json` promises exactly one document on stdout. What a migration prints must not break it:
 * `console.log`, `process.stdout.write`, and a child process it starts with inherited stdio. The
 * first two are JavaScript calls and can be diverted to stderr in-process (`divertStdout`); a
 * child inherits file descriptor 1 itself, and Node cannot point its own fd 1 elsewhere (it has no
 * dup2), so no in-process hook covers it (patching spawn misses execSync, native addons, and
 * anything that captured the function first).
 *
 * So the CLI process, for `--json`, runs updown in a child of its own whose fd 1 IS its stderr
 * and whose fd 3 is its stdout; the child writes the one document to fd 3 and everything else,
 * its children's output included, lands on stderr. The parent only waits, passes signals on and
 * exits with the child's code (about 50 ms more for a --json run).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import tty from 'node:tty';
import type { Io } from './output';

/** Set in the child: the file descriptor the JSON document goes to. */
const JSON_FD_VARIABLE = 'UPDOWN_JSON_FD';
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Whether the command line asks for JSON (an option, not an argument after `--`). */
export function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Writes all of `text` to `fd`, waiting out a full non-blocking pipe. */
function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text);
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(fs.writeSync(fd, buffer));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** In the child: the Io whose stdout is the parent's stdout (the fd it was handed); undefined elsewhere. */
export function inheritedJsonIo(): Io | undefined {
  const fd = Number(process.env[JSON_FD_VARIABLE]);
  if (!Number.isInteger(fd) || fd < 3) return undefined;
  delete process.env[JSON_FD_VARIABLE]; // not for the migrations' own children
  return { stdout: (text) => writeAll(fd, text), stderr: (text) => void process.stderr.write(text) };
}

/**
 * In the parent: runs `bin argv` as the child described above and resolves with its exit code.
 * The child leads a process group of its own, so a terminal's Ctrl-C reaches this process alone
 * and is passed on exactly once (a second one still means "stop now").
 */
export function runJsonChild(bin: string, argv: string[]): Promise<number> {
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  const child = spawn(process.execPath, [...execArgv, bin, ...argv], {
    stdio: [tty.isatty(0) ? 'ignore' : 'inherit', 2, 'inherit', 1],
    env: { ...process.env, [JSON_FD_VARIABLE]: '3' },
    detached: true,
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const name of FORWARDED) process.off(name, forward);
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
}

/**
 * In-process (main() called with the process's own streams): every `process.stdout.write`, and so
 * `console.log`, goes to stderr until `restore()`; `write` is the saved original, for the one
 * JSON document.
 */
export function divertStdout(): { write: (text: string) => void; restore: () => void } {
  const stdout = process.stdout;
  const original = stdout.write;
  stdout.write = ((...args: Parameters<typeof stdout.write>) => process.stderr.write(...(args as [string]))) as typeof stdout.write;
  return {
    write: (text) => void original.call(stdout, text),
    restore: () => {
      stdout.write = original;
    },
  };
}

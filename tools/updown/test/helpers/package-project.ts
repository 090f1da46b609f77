/**
 * A project outside the monorepo that installs updown the way users do: from the tarball
 * `npm pack` makes, with its own package.json and its own copies of sequelize and pg.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli';

export const PACKAGE_DIR = path.join(REPO_ROOT, 'tools', 'updown');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a process in the outside project: none of this run's database variables, and
 * none of npm's or Jest's (an inherited npm_config_local_prefix would point npm at the monorepo).
 */
export function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|JEST_|UPDOWN_)|^(DATABASE_URL|DATABASE_SCHEMA|TEST_DATABASE_URL|NODE_ENV|NODE_OPTIONS|INIT_CWD|FORCE_COLOR)$/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command to its end; never rejects on a non-zero exit (the caller asserts the code). */
export function exec(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: outsideEnv(options.env), timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(Object.assign(error, { stdout, stderr }));
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Fails with the command's output when it did not exit 0. */
export function ok(ran: Ran, what: string): Ran {
  if (ran.code !== 0) throw new Error(`${what} exited ${ran.code}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`);
  return ran;
}

export interface Packed {
  tarball: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

/** `npm pack` of tools/updown (its prepack builds dist/) into `dest`. */
export async function packUpdown(dest: string): Promise<Packed> {
  const ran = ok(await exec('npm', ['pack', '--json', '--pack-destination', dest], { cwd: PACKAGE_DIR, timeoutMs: 180_000 }), 'npm pack');
  const [info] = JSON.parse(ran.stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  if (!info) throw new Error(`npm pack printed no package:\n${ran.stdout}`);
  return { tarball: path.join(dest, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((file) => file.path) };
}

/** The version the monorepo has installed: the same in the outside project keeps npm's cache warm. */
export function monorepoVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Writes files (path relative to `dir` → content), creating folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

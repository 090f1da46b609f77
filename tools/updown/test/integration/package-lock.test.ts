/**
 * package-lock.json must be one that `npm ci` accepts on a fresh clone, on every platform: npm 11
 * can write a lock without other platforms' optional binaries (when it is regenerated from an
 * existing node_modules), and `npm ci` elsewhere then refuses it, or silently installs no binary.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/cli';

const run = promisify(execFile);

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}
interface Lock {
  packages: Record<string, LockEntry>;
}

/** The lock entry that `dependency` of the package at `from` resolves to, as Node would find it. */
function resolveInLock(packages: Lock['packages'], from: string, dependency: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${dependency}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/** Workspace folders (`tools/*`, `apps/*`) that hold a package.json, relative to the root. */
function workspaces(): string[] {
  const patterns = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  return patterns.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, '');
    return fs
      .readdirSync(path.join(REPO_ROOT, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => fs.existsSync(path.join(REPO_ROOT, dir, 'package.json')));
  });
}

test('every optional (platform) dependency of a locked package has its own entry in the lock', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const missing = Object.entries(lock.packages).flatMap(([location, entry]) =>
    Object.keys(entry.optionalDependencies ?? {})
      .filter((dependency) => !resolveInLock(lock.packages, location, dependency))
      .map((dependency) => `${location || '(root)'} -> ${dependency}`),
  );
  // Fix: rm -rf node_modules package-lock.json && npm install (a lock made from node_modules lacks them).
  expect(missing).toEqual([]);
});

test('npm ci accepts the lock with the package.json files as committed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-lock-'));
  try {
    for (const file of ['package.json', 'package-lock.json', ...workspaces().map((ws) => `${ws}/package.json`)]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
    }
    // --dry-run: npm ci checks the lock against every package.json, then installs nothing.
    const { stdout } = await run('npm', ['ci', '--dry-run', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir });
    expect(stdout).toMatch(/added \d+ packages/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.resolve(__dirname, '../fixtures');

/** The absolute folder of a scenario under test/fixtures/. */
export function fixtureDir(scenario: string): string {
  const dir = path.join(FIXTURES, scenario);
  if (!fs.existsSync(dir)) throw new Error(`no fixture folder ${dir}`);
  return dir;
}

export interface TempMigrations {
  /** The temporary root (holds `node_modules` and `dir`). */
  root: string;
  /** The migrations folder inside it: pass it as --dir. */
  dir: string;
  remove(): void;
}

/**
 * A temporary migrations folder, optionally filled with a fixture's files, for tests that mutate
 * files. Its root links the repository's node_modules, so copied files still resolve `sequelize`
 * and `updown` (in Jest and in spawned CLI processes alike).
 */
export function tempMigrations(scenario?: string): TempMigrations {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-test-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const dir = path.join(root, 'migrations');
  if (scenario) fs.cpSync(fixtureDir(scenario), dir, { recursive: true });
  else fs.mkdirSync(dir);
  return { root, dir, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Every path under `dir` (relative, sorted) with its size: a cheap "nothing changed here" check. */
export function treeOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      if (entry.isSymbolicLink()) out.push(`${relative} -> link`);
      else if (entry.isDirectory()) {
        out.push(`${relative}/`);
        walk(full);
      } else out.push(`${relative} ${fs.statSync(full).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

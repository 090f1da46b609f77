import fs from 'node:fs';
import path from 'node:path';
import { fromChange } from './change';
import { checksumOfFile } from './checksum';
import { parseDuration } from './duration';
import { InvalidMigrationError, UsageError } from './errors';
import type { MigrationFile } from './plan';
import type { MigrationModule } from './types';
import { registerTypeScript } from './typescript';

/** `20250303045013-createUserTable.ts`: a 14-digit timestamp, a dash, a name. */
const FILE_PATTERN = /^(\d{14}-[^/\\]+)\.(ts|js|cjs)$/;

/** The stream's files in name order, with their checksums. Listing never imports a module. */
export function listFiles(dir: string): MigrationFile[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    throw new UsageError(`the folder ${dir} ${reason}: check --dir or updown.config.ts`);
  }
  const files = new Map<string, MigrationFile>();
  for (const entry of entries.sort()) {
    const match = FILE_PATTERN.exec(entry);
    if (!match || entry.endsWith('.d.ts')) continue;
    const previous = files.get(match[1]);
    if (previous) {
      throw new UsageError(`${path.join(dir, entry)} and ${previous.path} are the same migration twice: keep one of them`);
    }
    const file = path.join(dir, entry);
    files.set(match[1], { name: match[1], path: file, checksum: checksumOfFile(file) });
  }
  return [...files.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Imports a migration or seed and checks that it exports what it must. */
export function loadModule(file: MigrationFile): MigrationModule {
  let loaded: MigrationModule & { default?: MigrationModule };
  registerTypeScript();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file.path);
  } catch (error) {
    throw new InvalidMigrationError(file.name, file.path, `cannot be loaded: ${(error as Error).message}`, error);
  }
  const picked = typeof loaded.up === 'function' || typeof loaded.change === 'function' ? loaded : (loaded.default ?? loaded);
  const module = picked.change === undefined ? picked : fromChange(file, picked);
  if (typeof module.up !== 'function') {
    throw new InvalidMigrationError(file.name, file.path, 'exports no up() function: export `const up: Migration = async ({ context }) => { … }`');
  }
  if (module.down !== undefined && typeof module.down !== 'function') {
    throw new InvalidMigrationError(file.name, file.path, 'exports a `down` that is not a function');
  }
  if (module.transaction !== undefined && typeof module.transaction !== 'boolean') {
    throw new InvalidMigrationError(file.name, file.path, '`transaction` must be true or false');
  }
  checkOptionalExports(file, module);
  return module;
}

const TIMEOUT_KEYS = new Set(['lock', 'statement']);

/** The optional exports a file may add; a typo must not pass silently. */
function checkOptionalExports(file: MigrationFile, module: MigrationModule): void {
  const { timeouts, environments } = module;
  if (timeouts !== undefined) {
    const entries = Object.entries(timeouts as Record<string, unknown>);
    const bad = entries.find(([key, value]) => !TIMEOUT_KEYS.has(key) || typeof value !== 'string' || parseDuration(value) === undefined);
    if (bad) throw new InvalidMigrationError(file.name, file.path, `timeouts.${bad[0]} is not valid: use { lock?: '5s', statement?: '10m' }`);
  }
  if (environments !== undefined && (!Array.isArray(environments) || environments.some((env) => typeof env !== 'string'))) {
    throw new InvalidMigrationError(file.name, file.path, "`environments` must be a list of names, e.g. ['development', 'test']");
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromChange } from './change';
import { checksumOfFile } from './checksum';
import { parseDuration } from './duration';
import { InvalidMigrationError, UsageError } from './errors';
import type { MigrationFile } from './plan';
import { adaptModule } from './format';
import { listSqlFiles } from './sql/folder';
import { importSqlModule, loadSqlModule } from './sql/module';
import type { MigrationModule, ModuleFormat, StreamLayout } from './types';
import { registerTypeScript, requireFile } from './typescript';

/** `20250303045013-createUserTable.ts`: a 14-digit timestamp, a dash, a name. */
const FILE_PATTERN = /^(\d{14}-[^/\\]+)\.(ts|js|cjs|mjs)$/;

/**
 * sequelize-cli's own filter (its migrator's `pattern`), also used for Umzug projects: any name,
 * kept whole with its extension, as those tools record it.
 */
const LEGACY_PATTERN = /^(?!.*\.d\.[cm]?ts$).*\.(cjs|mjs|js|cts|mts|ts)$/;

/** Legacy tools compare names as JavaScript strings (code units), not by locale. */
const byName = (a: MigrationFile, b: MigrationFile) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function readFolder(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    throw new UsageError(`the folder ${dir} ${reason}: check --dir or updown.config.ts`);
  }
}

/** The stream's files in name order, with their checksums. Listing never imports a module. */
export function listFiles(dir: string, layout: StreamLayout | ModuleFormat = 'updown'): MigrationFile[] {
  const shape: StreamLayout = typeof layout === 'string' ? { format: layout } : layout;
  const format = shape.format ?? 'updown';
  if (format === 'sql') return listSqlFiles(dir, shape);
  if (format !== 'updown') return listLegacyFiles(dir);
  return listOwnFiles(dir);
}

/** A sequelize-cli or Umzug folder: every script file, named as the file is. */
function listLegacyFiles(dir: string): MigrationFile[] {
  return readFolder(dir)
    .filter((entry) => LEGACY_PATTERN.test(entry) && fs.statSync(path.join(dir, entry)).isFile())
    .map((entry) => ({ name: entry, path: path.join(dir, entry), checksum: checksumOfFile(path.join(dir, entry)) }))
    .sort(byName);
}

function listOwnFiles(dir: string): MigrationFile[] {
  const entries = readFolder(dir);
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

type Loaded = MigrationModule & { default?: MigrationModule };

/** Imports a CommonJS (or TypeScript) migration or seed and checks that it exports what it must. */
export function loadModule(file: MigrationFile, layout: StreamLayout = {}): MigrationModule {
  if (file.sql) return loadSqlModule(file);
  let loaded: Loaded;
  registerTypeScript();
  try {
    loaded = requireFile(file.path) as Loaded;
  } catch (error) {
    throw new InvalidMigrationError(file.name, file.path, `cannot be loaded: ${(error as Error).message}`, error);
  }
  return checkModule(file, layout, loaded);
}

/** `require` cannot load this ES module (before Node 20.19, or one with top-level await). */
const isEsm = (error: unknown) => ['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE'].includes(String((error as NodeJS.ErrnoException | undefined)?.code));

/**
 * A real `import()`: the TypeScript build turns a literal `import()` into `require`, which is
 * what failed. (Node 20.19+ can `require` most ES modules itself; this serves older 20.x.)
 */
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Like loadModule, for every kind of file: ES modules are imported. */
export async function importModule(file: MigrationFile, layout: StreamLayout = {}): Promise<MigrationModule> {
  if (file.sql) return importSqlModule(file);
  try {
    return loadModule(file, layout);
  } catch (error) {
    if (!(error instanceof InvalidMigrationError) || !isEsm(error.cause)) throw error;
  }
  let loaded: Loaded;
  try {
    loaded = (await nativeImport(pathToFileURL(file.path).href)) as Loaded;
  } catch (error) {
    throw new InvalidMigrationError(file.name, file.path, `cannot be loaded: ${(error as Error).message}`, error);
  }
  return checkModule(file, layout, loaded);
}

function checkModule(file: MigrationFile, layout: StreamLayout, loaded: Loaded): MigrationModule {
  const format = layout.format ?? 'updown';
  if (format !== 'updown' && format !== 'sql') return checkExports(file, adaptModule(file, format, loaded as never, layout));
  const picked = typeof loaded.up === 'function' || typeof loaded.change === 'function' ? loaded : (loaded.default ?? loaded);
  return checkExports(file, picked.change === undefined ? picked : fromChange(file, picked));
}

function checkExports(file: MigrationFile, module: MigrationModule): MigrationModule {
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

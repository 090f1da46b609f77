/**
 * drizzle-kit's folder as drizzle-orm's migrator reads it (`readMigrationFiles`): the order is
 * `meta/_journal.json`'s entries, each `<tag>.sql`; the hash is sha256 of the file as read; the
 * `when` of each entry is what the migrator writes as `created_at` and compares with the newest
 * one to find what is pending. Also `drizzle.config.ts`, for `out` and `migrations.table/schema`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import { registerTypeScript } from '../typescript';

export const JOURNAL = path.join('meta', '_journal.json');
export const DRIZZLE_TABLE = '__drizzle_migrations';
export const DRIZZLE_SCHEMA = 'drizzle';
export const DRIZZLE_CONFIG_FILES = ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs'];

export interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
  breakpoints: boolean;
}

export function hasJournal(dir: string): boolean {
  return fs.existsSync(path.join(dir, JOURNAL));
}

/** The journal's entries, in its order (drizzle-orm runs them in that order). */
export function readJournal(dir: string): JournalEntry[] {
  const file = path.join(dir, JOURNAL);
  let journal: { entries?: unknown };
  try {
    journal = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} cannot be read as drizzle-kit's journal: ${(error as Error).message}`);
  }
  if (!Array.isArray(journal.entries)) throw new UsageError(`${file} has no "entries" list: is it drizzle-kit's meta/_journal.json?`);
  return journal.entries.map((entry: Partial<JournalEntry>, index: number) => {
    if (typeof entry.tag !== 'string' || typeof entry.when !== 'number') {
      throw new UsageError(`${file}: entry ${index} has no "tag" and "when": drizzle-kit writes both`);
    }
    return { idx: entry.idx ?? index, when: entry.when, tag: entry.tag, breakpoints: entry.breakpoints !== false };
  });
}

/** Exactly drizzle-orm's hash: sha256 of the file read as a string. */
export function drizzleHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file).toString()).digest('hex');
}

export interface DrizzleConfig {
  file: string;
  /** The migrations folder (`out`, default `./drizzle`), absolute. */
  out: string;
  table: string;
  schema: string;
}

/** The nearest drizzle.config.* in `dir` (not above it: adopt reads the folder it stands in). */
export function findDrizzleConfig(dir: string): string | undefined {
  return DRIZZLE_CONFIG_FILES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
}

/** Reads drizzle.config.ts as drizzle-kit does (its default export), for the folder and the tracking table. */
export function readDrizzleConfig(file: string): DrizzleConfig {
  registerTypeScript();
  let loaded: Record<string, unknown> & { default?: Record<string, unknown> };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file);
  } catch (error) {
    throw new UsageError(`${file} cannot be loaded: ${(error as Error).message}`);
  }
  const config = (loaded.default ?? loaded) as { out?: unknown; migrations?: { table?: unknown; schema?: unknown }; dialect?: unknown };
  if (config.dialect !== undefined && config.dialect !== 'postgresql') {
    throw new UsageError(`${file}: dialect "${String(config.dialect)}" is not PostgreSQL; updown runs on PostgreSQL only`);
  }
  const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.length > 0 ? value : fallback);
  return {
    file,
    out: path.resolve(path.dirname(file), text(config.out, './drizzle')),
    table: text(config.migrations?.table, DRIZZLE_TABLE),
    schema: text(config.migrations?.schema, DRIZZLE_SCHEMA),
  };
}

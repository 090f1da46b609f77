/**
 * A folder of `.sql` files as its team laid it out, listed without renaming anything: numbered
 * files (`000_x.sql`, `000a_y.sql`, timestamps) in name order, up/down pairs (`x_down.sql`,
 * `x.up.sql` + `x.down.sql`), or drizzle-kit's journal order. Each file's name is what its
 * tracking table holds: the file name for a numbered runner's table, the tag for drizzle, the
 * name without `.sql` for updown's own table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checksumOf } from '../checksum';
import { UsageError } from '../errors';
import type { MigrationFile } from '../plan';
import type { StreamLayout } from '../types';
import { drizzleHash, hasJournal, JOURNAL, readJournal } from './drizzle';
import type { SqlTracking } from './types';

/** The tracking a stream of `.sql` files uses: as configured, else drizzle's when the folder has a journal. */
export function sqlTracking(layout: StreamLayout, dir: string): SqlTracking {
  return layout.tracking ?? (hasJournal(dir) ? 'drizzle' : 'updown');
}

const byName = (a: MigrationFile, b: MigrationFile) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** `x.up.sql` and `x.sql` are both the up of `x`. */
export function stemOf(file: string): string {
  return file.replace(/(\.up)?\.sql$/, '');
}

function sqlEntries(dir: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
    throw new UsageError(`the folder ${dir} ${reason}: check --dir or updown.config.ts`);
  }
  return entries.filter((entry) => entry.endsWith('.sql') && fs.statSync(path.join(dir, entry)).isFile()).sort();
}

interface Pair {
  up: string;
  down?: string;
}

/** The ups and their downs. A `x_down.sql` without its `x.sql` is a migration of its own (`041_scale_down.sql`). */
export function pairFiles(entries: string[], dir: string): Pair[] {
  const present = new Set(entries);
  const downs = new Map<string, string>();
  for (const entry of entries) {
    const dotted = /^(.*)\.down\.sql$/.exec(entry);
    const underscored = /^(.*)_down\.sql$/.exec(entry);
    const base = dotted?.[1] ?? underscored?.[1];
    if (base === undefined) continue;
    const up = [`${base}.up.sql`, `${base}.sql`].find((candidate) => present.has(candidate));
    if (up) {
      if (downs.has(up)) throw new UsageError(`${path.join(dir, up)} has two downs, ${downs.get(up)} and ${entry}: keep one`);
      downs.set(up, entry);
    } else if (dotted) {
      throw new UsageError(`${path.join(dir, entry)} is a down with no up (${base}.up.sql or ${base}.sql): add the up, or delete it`);
    }
  }
  const isDown = new Set(downs.values());
  const pairs = entries.filter((entry) => !isDown.has(entry)).map((up) => ({ up, ...(downs.has(up) ? { down: downs.get(up) } : {}) }));
  const stems = new Map<string, string>();
  for (const { up } of pairs) {
    const twice = stems.get(stemOf(up));
    if (twice) throw new UsageError(`${path.join(dir, twice)} and ${path.join(dir, up)} are the same migration twice: keep one of them`);
    stems.set(stemOf(up), up);
  }
  return pairs;
}

/** The up and the down together: an edit of either is an edit of the migration. */
function pairChecksum(dir: string, pair: Pair): string {
  const up = checksumOf(fs.readFileSync(path.join(dir, pair.up)));
  if (!pair.down) return up;
  return checksumOf(`${up}\n${checksumOf(fs.readFileSync(path.join(dir, pair.down)))}`);
}

/** Environments the config adds per seed: `environments: { production: ['001_roles.sql'] }`. */
function configuredEnvironments(layout: StreamLayout, file: string): string[] | undefined {
  const listed = Object.entries(layout.environments ?? {}).filter(([, names]) => names.some((name) => name === file || name === stemOf(file)));
  return listed.length ? listed.map(([env]) => env) : undefined;
}

function listPairs(dir: string, layout: StreamLayout, tracking: SqlTracking): MigrationFile[] {
  return pairFiles(sqlEntries(dir), dir)
    .map((pair): MigrationFile => {
      const environments = configuredEnvironments(layout, pair.up);
      return {
        name: tracking === 'numbered' ? pair.up : stemOf(pair.up),
        path: path.join(dir, pair.up),
        checksum: pairChecksum(dir, pair),
        sql: { ...(pair.down ? { down: path.join(dir, pair.down) } : {}), ...(environments ? { environments } : {}) },
      };
    })
    .sort(byName);
}

/** drizzle-kit's files, in the journal's order; a file the journal does not name is not a migration (drizzle ignores it too). */
function listJournal(dir: string): MigrationFile[] {
  return readJournal(dir).map((entry) => {
    const file = path.join(dir, `${entry.tag}.sql`);
    if (!fs.existsSync(file)) throw new UsageError(`${path.join(dir, JOURNAL)} lists ${entry.tag}, but ${file} does not exist: restore it from version control`);
    return { name: entry.tag, path: file, checksum: drizzleHash(file), sql: { when: entry.when } };
  });
}

/** The stream's `.sql` files, in the order they run, with their checksums. Reads no statement. */
export function listSqlFiles(dir: string, layout: StreamLayout): MigrationFile[] {
  const tracking = sqlTracking(layout, dir);
  if (hasJournal(dir)) return listJournal(dir);
  if (tracking === 'drizzle') throw new UsageError(`${dir} has no ${JOURNAL}: tracking 'drizzle' reads drizzle-kit's folder (its \`out\`)`);
  return listPairs(dir, layout, tracking);
}

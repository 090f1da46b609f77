/**
 * `updown db dump`: the schema file teams commit, so a review shows what a migration changes;
 * `--check` compares the migrated database with it (a forgotten dump, a change made by hand).
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderSnapshot } from '../schema/render';
import { takeSnapshot } from '../schema/snapshot';
import { unifiedDiff } from '../schema/text-diff';

export interface DumpOptions {
  url: string;
  schema: string;
  /** The schema file (absolute, or relative to the current folder). */
  file: string;
  /** Compare instead of writing. */
  check?: boolean;
}

export interface DumpResult {
  /** Written, or (with check) equal. */
  success: boolean;
  file: string;
  /** Whether the file's contents changed (write) or would change (check). */
  changed: boolean;
  /** With check: the file does not exist yet. */
  missing?: boolean;
  /** With check: `diff -u` of the file (---) against the database (+++). */
  diff?: string;
  errors: Error[];
  durationMs: number;
}

/**
 * Renders the schema and writes it (only when it changed, so the file's mtime means something),
 * or with `check` compares it with the file.
 */
export async function dump(options: DumpOptions): Promise<DumpResult> {
  const started = Date.now();
  const file = path.resolve(options.file);
  const done = (partial: Omit<DumpResult, 'file' | 'durationMs' | 'errors'> & { errors?: Error[] }): DumpResult => ({
    errors: [],
    ...partial,
    file,
    durationMs: Date.now() - started,
  });
  try {
    const rendered = renderSnapshot(await takeSnapshot(options.url, options.schema));
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (options.check) {
      if (committed === undefined) return done({ success: false, changed: true, missing: true });
      const diff = unifiedDiff(committed, rendered, { before: `${path.basename(file)} (committed)`, after: 'database (migrated)' });
      return done({ success: diff === '', changed: diff !== '', ...(diff ? { diff } : {}) });
    }
    if (committed === rendered) return done({ success: true, changed: false });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, rendered);
    return done({ success: true, changed: true });
  } catch (error) {
    return done({ success: false, changed: false, errors: [error instanceof Error ? error : new Error(String(error))] });
  }
}

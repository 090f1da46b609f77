/**
 * In a stream of updown's own format only `YYYYMMDDHHmmss-name.ts` files are migrations; a file
 * named otherwise (`2025-01-01-foo.ts`, `foo.ts`) used to be skipped without a word, so the user
 * wondered why it never ran. Each one is now named in a warning with the name it should have.
 * Other formats take the names their own tool takes (loader.ts), and are not checked here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleFormat } from './types';

/** What loader.ts takes: 14 digits, a dash, a name, a script extension. */
const OWN_PATTERN = /^\d{14}-[^/\\]+\.(ts|js|cjs|mjs)$/;
/** Files that look like code someone meant to run (declarations and other files are left alone). */
const SCRIPT = /\.(ts|js|cjs|mjs|cts|mts)$/;
const DECLARATION = /\.d\.[cm]?ts$/;

/** The name a misnamed file should have: its date digits padded to 14, then a dash and its name. */
export function suggestedName(entry: string): string {
  const extension = path.extname(entry);
  const stem = entry.slice(0, -extension.length);
  const prefix = /^[\d_.:T -]*/.exec(stem)![0];
  const digits = prefix.replace(/\D/g, '');
  const rest = stem.slice(prefix.length) || 'name';
  const stamp = digits.length >= 8 && digits.length <= 14 ? digits.padEnd(14, '0') : 'YYYYMMDDHHmmss';
  return `${stamp}-${rest}${extension === '.ts' || extension === '.js' ? extension : '.ts'}`;
}

/** One warning per script file in `dir` that updown's own format does not take. */
export function misnamedFileWarnings(dir: string, format: ModuleFormat | undefined): string[] {
  if ((format ?? 'updown') !== 'updown') return [];
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return []; // the listing itself says what is wrong with the folder
  }
  return entries
    .filter((entry) => SCRIPT.test(entry) && !DECLARATION.test(entry) && !OWN_PATTERN.test(entry))
    .filter((entry) => fs.statSync(path.join(dir, entry)).isFile())
    .sort()
    .map(
      (entry) =>
        `${path.join(dir, entry)} is not run: its name does not match YYYYMMDDHHmmss-name.ts (14 digits, a dash, a name); ` +
        `rename it, e.g. to ${suggestedName(entry)}, or move it out of the folder`,
    );
}

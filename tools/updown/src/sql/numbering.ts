/**
 * `create NAME --sql`: the next file of a `.sql` folder in the folder's own style, so a team's
 * numbering goes on as it was: the next number zero-padded to the width already used (`041_`),
 * or a timestamp in a folder of timestamps (and in an empty one); the down as the folder writes
 * downs (`_down.sql`, `.up.sql`/`.down.sql`, or a `-- migrate:down` section). A drizzle-kit folder
 * is refused: drizzle-kit generates its files and journal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { timestamp, validateName } from '../create';
import { UsageError } from '../errors';
import type { StreamKind } from '../types';
import { hasJournal, JOURNAL } from './drizzle';
import { pairFiles, stemOf } from './folder';

type Style = 'underscore' | 'dotted' | 'sections';

const PREFIX = /^(\d+)[a-z]?([_-])/;

function styleOf(dir: string, entries: string[]): Style {
  if (entries.some((entry) => /\.(up|down)\.sql$/.test(entry))) return 'dotted';
  if (pairFiles(entries, dir).length < entries.length) return 'underscore';
  const sections = entries.some((entry) => /^--\s*migrate:up\b/m.test(fs.readFileSync(path.join(dir, entry), 'utf8')));
  return sections ? 'sections' : 'underscore';
}

/** The next prefix: a number one past the highest, as wide as the widest; a timestamp among timestamps. */
export function nextPrefix(entries: string[], now: Date): string {
  const numbered = entries.map((entry) => PREFIX.exec(entry)).filter((match): match is RegExpExecArray => match !== null);
  const last = numbered[numbered.length - 1];
  const separator = last?.[2] ?? '_';
  if (!last || last[1].length === 14) {
    const taken = new Set(numbered.map((match) => match[1]));
    let time = now.getTime();
    while (taken.has(timestamp(new Date(time)))) time += 1000;
    return `${timestamp(new Date(time))}${separator}`;
  }
  const width = Math.max(...numbered.map((match) => match[1].length));
  const next = Math.max(...numbered.map((match) => Number(match[1]))) + 1;
  return `${String(next).padStart(width, '0')}${separator}`;
}

const upText = (kind: StreamKind) =>
  kind === 'seeds'
    ? '-- Seeds run every time they are due: keep them idempotent (INSERT … ON CONFLICT DO NOTHING).\n-- updown:environments development, test\n\n'
    : "-- Runs in one transaction with its tracking row. For CREATE INDEX CONCURRENTLY, make this file's first line\n-- `-- updown:no-transaction` (and keep BEGIN/COMMIT out of files that run in a transaction).\n\n";
const downText = (up: string) => `-- Reverts ${up}: undo exactly what it does, in reverse order.\n\n`;

/** Writes the new file(s) and returns their paths, up first. */
export function createSqlFiles(options: { dir: string; name: string; kind: StreamKind; now?: Date }): string[] {
  validateName(options.name);
  const { dir } = options;
  if (hasJournal(dir)) {
    throw new UsageError(
      `${dir} is drizzle-kit's folder (it has ${JOURNAL}): drizzle-kit writes its files and journal. ` +
        `Change the schema and run \`drizzle-kit generate --name ${options.name}\`, or \`drizzle-kit generate --custom --name ${options.name}\` for hand-written SQL`,
    );
  }
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir).filter((entry) => entry.endsWith('.sql')).sort() : [];
  const clash = entries.find((entry) => stemOf(entry).replace(PREFIX, '').replace(/(_down|\.down)$/, '') === options.name);
  if (clash) throw new UsageError(`${path.join(dir, clash)} already has the name "${options.name}": pick another name`);
  const base = `${nextPrefix(entries, options.now ?? new Date())}${options.name}`;
  const style = styleOf(dir, entries);
  const up = style === 'dotted' ? `${base}.up.sql` : `${base}.sql`;
  const files: [string, string][] =
    style === 'sections'
      ? [[up, `-- migrate:up\n${upText(options.kind)}\n-- migrate:down\n${downText(up)}`]]
      : [
          [up, upText(options.kind)],
          [style === 'dotted' ? `${base}.down.sql` : `${base}_down.sql`, downText(up)],
        ];
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) fs.writeFileSync(path.join(dir, file), text, { flag: 'wx' });
  return files.map(([file]) => path.join(dir, file));
}

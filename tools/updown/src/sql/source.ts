/**
 * What a `.sql` file says about itself besides its statements: the `-- updown:` directives of
 * its header (the comment lines before its first statement), and dbmate-style `-- migrate:up` /
 * `-- migrate:down` sections. Read from lines, without the parser, so that listing a folder and
 * a seed's environment check stay synchronous.
 */
import { InvalidMigrationError } from '../errors';
import { parseDuration } from '../duration';
import type { SqlPiece } from './parser';

export const NO_TRANSACTION = '-- updown:no-transaction';

export interface SqlDirectives {
  /** `-- updown:no-transaction` on the first line (or dbmate's `-- migrate:up transaction:false`). */
  noTransaction: boolean;
  /** `-- updown:environments production, staging`. */
  environments?: string[];
  /** `-- updown:lint-allow RULE: reason`, one line each: lint's `{ allow: { RULE: reason } }`. */
  lintAllow: Record<string, string>;
  /** `-- updown:lock-timeout 2s`, `-- updown:statement-timeout 1h`. */
  timeouts?: { lock?: string; statement?: string };
}

export interface SqlSections {
  up: SqlPiece;
  /** The `-- migrate:down` section, when the file has one. */
  down?: SqlPiece;
}

const SECTION = /^--\s*migrate:(up|down)\b(.*)$/;
const DIRECTIVE = /^--\s*updown:([a-z-]+)\s*(.*)$/;

interface Line {
  text: string;
  offset: number;
  number: number;
}

function linesOf(source: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  source.split('\n').forEach((text, index) => {
    lines.push({ text: text.replace(/\r$/, ''), offset, number: index + 1 });
    offset += text.length + 1;
  });
  return lines;
}

/** The comment lines (and blank lines) before the first statement. */
function headerLines(source: string): Line[] {
  const lines = linesOf(source.replace(/^\uFEFF/, ''));
  const end = lines.findIndex((line) => line.text.trim() !== '' && !line.text.trim().startsWith('--'));
  return end === -1 ? lines : lines.slice(0, end);
}

/** Whether a line is one of updown's directives (wherever it is: one outside the header is refused by the caller). */
export function isDirective(comment: string): boolean {
  return DIRECTIVE.test(comment.trim());
}

function fail(origin: { name: string; path: string }, line: number, reason: string): never {
  throw new InvalidMigrationError(origin.name, origin.path, `line ${line}: ${reason}`);
}

const KNOWN = 'no-transaction, environments, lint-allow, lock-timeout, statement-timeout';

/** The header's directives; an unknown or misplaced one is refused (a typo must not pass silently). */
export function readDirectives(source: string, origin: { name: string; path: string }): SqlDirectives {
  const directives: SqlDirectives = { noTransaction: false, lintAllow: {} };
  for (const line of headerLines(source)) {
    const text = line.text.trim();
    const section = SECTION.exec(text);
    if (section?.[1] === 'up' && /\btransaction:false\b/.test(section[2])) directives.noTransaction = true;
    const match = DIRECTIVE.exec(text);
    if (!match) continue;
    const [, name, rest] = match;
    switch (name) {
      case 'no-transaction':
        if (line.number !== 1) fail(origin, line.number, `\`${NO_TRANSACTION}\` must be the file's first line`);
        directives.noTransaction = true;
        break;
      case 'environments': {
        const names = rest.split(/[\s,]+/).filter(Boolean);
        if (names.length === 0) fail(origin, line.number, '`-- updown:environments` names no environment, e.g. `-- updown:environments development, production`');
        directives.environments = names;
        break;
      }
      case 'lint-allow': {
        const allow = /^([A-Za-z0-9_-]+)\s*:\s*(\S.*)$/.exec(rest);
        if (!allow) fail(origin, line.number, '`-- updown:lint-allow` needs a rule and a reason: `-- updown:lint-allow RULE: why it is safe here`');
        directives.lintAllow[allow[1]] = allow[2].trim();
        break;
      }
      case 'lock-timeout':
      case 'statement-timeout': {
        if (parseDuration(rest.trim()) === undefined) fail(origin, line.number, `\`-- updown:${name}\` needs a duration, e.g. 2s or 10m`);
        directives.timeouts = { ...directives.timeouts, [name === 'lock-timeout' ? 'lock' : 'statement']: rest.trim() };
        break;
      }
      default:
        fail(origin, line.number, `\`-- updown:${name}\` is not a directive updown knows: use one of ${KNOWN}`);
    }
  }
  return directives;
}

/** Splits a file at its `-- migrate:up` / `-- migrate:down` lines; a file without them is all up. */
export function readSections(source: string, origin: { name: string; path: string }): SqlSections {
  const marks = linesOf(source)
    .map((line) => ({ line, kind: SECTION.exec(line.text.trim())?.[1] }))
    .filter((mark): mark is { line: Line; kind: 'up' | 'down' } => mark.kind !== undefined);
  if (marks.length === 0) return { up: { text: source, offset: 0 } };
  const ups = marks.filter((mark) => mark.kind === 'up');
  const downs = marks.filter((mark) => mark.kind === 'down');
  if (ups.length !== 1 || downs.length > 1) {
    const extra = ups.length === 0 ? downs[0] : ups.length > 1 ? ups[1] : downs[1];
    fail(origin, extra.line.number, 'a file holds one `-- migrate:up` section, then at most one `-- migrate:down` section');
  }
  const [up] = ups;
  const [down] = downs;
  if (down && down.line.offset < up.line.offset) fail(origin, down.line.number, '`-- migrate:down` comes before `-- migrate:up`: put the up section first');
  const after = (mark: { line: Line }) => mark.line.offset + mark.line.text.length + 1;
  const upEnd = down ? down.line.offset : source.length;
  return {
    up: { text: source.slice(after(up), upEnd), offset: after(up) },
    ...(down ? { down: { text: source.slice(after(down)), offset: after(down) } } : {}),
  };
}

/**
 * `status` shows a file that cannot be compiled (a syntax error) as `invalid`, with the reason,
 * found by compiling it and never by running it: status reads only, and a module's top level
 * may do anything. TypeScript goes through the same cached SWC compile that loading uses (so a
 * status warms the cache for the next up); JavaScript is parsed by SWC, as a module or a script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { appliedAsIs, type AppliedEntry, type MigrationFile } from './plan';
import type { StatusItem } from './types';
import { compile, describeSwcError } from './typescript';

const TYPESCRIPT = new Set(['.ts', '.cts', '.mts']);
const JAVASCRIPT = new Set(['.js', '.cjs', '.mjs']);

function parseJavaScript(source: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as typeof import('@swc/core');
  const options = { syntax: 'ecmascript', target: 'es2022' } as const;
  try {
    swc.parseSync(source, options);
  } catch (asModule) {
    // CommonJS may do what a module may not (a top-level `return`); it fails only if both fail.
    try {
      swc.parseSync(source, { ...options, script: true });
    } catch {
      throw asModule;
    }
  }
}

/** Why `file` cannot be compiled, or undefined when it can (or is not there to read). */
export function compileProblem(file: MigrationFile): string | undefined {
  const extension = path.extname(file.path);
  // A .sql file is no script: the SQL format checks its statements when it loads.
  if (!TYPESCRIPT.has(extension) && !JAVASCRIPT.has(extension)) return undefined;
  let source: string;
  try {
    source = fs.readFileSync(file.path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    if (TYPESCRIPT.has(extension)) compile(source, file.path);
    else parseJavaScript(source);
    return undefined;
  } catch (error) {
    return `cannot be compiled: ${error instanceof SyntaxError ? error.message : describeSwcError(error)}`;
  }
}

/**
 * The files that cannot be compiled, by name, with the reason. Given the rows, a file applied from
 * its present content is not compiled again: it compiled when it ran (a status of 1,000 applied
 * files read and hashed each of them twice).
 */
export function compileProblems(files: MigrationFile[], applied: AppliedEntry[] = []): Map<string, string> {
  const problems = new Map<string, string>();
  const rows = new Map(applied.map((entry) => [entry.name, entry]));
  for (const file of files) {
    if (appliedAsIs(rows.get(file.name), file)) continue;
    const problem = compileProblem(file);
    if (problem) problems.set(file.name, problem);
  }
  return problems;
}

/**
 * The files a status may still load (a seed's `environments` is read from its module): every
 * applied one, which is not loaded, and every pending one that compiles.
 */
export function loadableFiles(files: MigrationFile[], applied: { name: string }[], invalid: Map<string, string>): MigrationFile[] {
  const done = new Set(applied.map((entry) => entry.name));
  return files.filter((file) => done.has(file.name) || !invalid.has(file.name));
}

/**
 * Marks invalid files in a status list, adding those it does not hold. A history problem
 * (edited, missing, failed) says more and is kept.
 */
export function markInvalid(items: StatusItem[], invalid: Map<string, string>): StatusItem[] {
  if (invalid.size === 0) return items;
  const seen = new Set(items.map((item) => item.name));
  const marked = items.map((item): StatusItem => {
    const reason = invalid.get(item.name);
    if (!reason || (item.state !== 'pending' && item.state !== 'applied')) return item;
    const { skipped: _skipped, ...rest } = item;
    return { ...rest, state: 'invalid', reason };
  });
  const added = [...invalid].filter(([name]) => !seen.has(name)).map(([name, reason]): StatusItem => ({ name, state: 'invalid', reason }));
  return [...marked, ...added].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What changed in one object present on both sides, as short phrases ("now NOT NULL, was
 * nullable"). Pure; used by diff.ts, which puts the object's name in front.
 */
import type { Column, Constraint } from './types';

const shown = (value: unknown): string => (value === undefined || value === null ? 'none' : typeof value === 'string' ? value : JSON.stringify(value));

/** One phrase per field whose value differs: "increment now 2, was 1". */
export function fieldChanges<T extends object>(expected: T, actual: T): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort() as (keyof T)[];
  const spaced = (key: string) => key.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
  return keys
    .filter((key) => JSON.stringify(expected[key]) !== JSON.stringify(actual[key]))
    .map((key) => `${spaced(String(key))} now ${shown(actual[key])}, was ${shown(expected[key])}`);
}

/** A long definition (view, function): which line differs first, both versions of it. */
export function definitionChange(expected: string, actual: string): string[] {
  if (expected === actual) return [];
  const [e, a] = [expected.split('\n'), actual.split('\n')];
  if (e.length === 1 && a.length === 1) return [`now ${actual}, was ${expected}`];
  const line = e.findIndex((text, i) => text !== a[i]);
  const at = line === -1 ? e.length : line;
  const show = (text: string | undefined) => (text === undefined ? '(nothing)' : JSON.stringify(text.trim()));
  return [`definition changed at line ${at + 1}: now ${show(a[at])}, was ${show(e[at])}`];
}

export function columnChanges(expected: Column, actual: Column): string[] {
  const out: string[] = [];
  if (expected.type !== actual.type) out.push(`type changed from ${expected.type} to ${actual.type}`);
  if (expected.nullable !== actual.nullable) out.push(actual.nullable ? 'now nullable, was NOT NULL' : 'now NOT NULL, was nullable');
  if (expected.default !== actual.default) out.push(`default now ${shown(actual.default)}, was ${shown(expected.default)}`);
  const { type: _t, nullable: _n, default: _d, ...restExpected } = expected;
  const { type: _t2, nullable: _n2, default: _d2, ...restActual } = actual;
  return [...out, ...fieldChanges(restExpected, restActual)];
}

export function constraintChanges(expected: Constraint, actual: Constraint): string[] {
  if (expected.type !== actual.type) return [`is now a ${actual.type} constraint (${actual.definition}), was a ${expected.type} constraint (${expected.definition})`];
  const out: string[] = [];
  const [e, a] = [expected.references, actual.references];
  if (e && a) {
    const target = (fk: typeof e) => `${fk.table}(${fk.columns.join(', ')})`;
    if (target(e) !== target(a)) out.push(`now references ${target(a)}, was ${target(e)}`);
    if (e.onDelete !== a.onDelete) out.push(`now ON DELETE ${a.onDelete}, was ${e.onDelete}`);
    if (e.onUpdate !== a.onUpdate) out.push(`now ON UPDATE ${a.onUpdate}, was ${e.onUpdate}`);
  }
  if (out.length === 0 && expected.definition !== actual.definition) out.push(`now ${actual.definition}, was ${expected.definition}`);
  return out;
}

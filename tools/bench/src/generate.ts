/**
 * The workload every tool runs: N migrations of a realistic shape, described once here, so each
 * tool's files (src/peers/*) are the same work in that tool's own idiom, and the schema check
 * (src/schema-check.ts) knows what each step must leave behind.
 *
 * Migration i (1-based) creates table bench_i: a uuid primary key defaulting to gen_random_uuid()
 * (core since PostgreSQL 13, so no pgcrypto migration), five columns and timestamps with defaults.
 * Every third also adds a column to an earlier table; every fifth also adds an index. Each has the
 * matching down.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface MigrationSpec {
  /** 1-based position. */
  i: number;
  /** `<14-digit timestamp>-createBench<i>`, the file name without its extension. */
  name: string;
  table: string;
  /** Every third: a text column added to an earlier table. */
  extraColumn?: { table: string; column: string };
  /** Every fifth: an index on the new table's email. */
  index?: { name: string; column: 'email' };
}

export interface Workload {
  n: number;
  /** `.generated/<N>/`: each tool writes its project into `<root>/<tool key>/`. */
  root: string;
  migrations: MigrationSpec[];
}

const pad = (i: number) => String(i).padStart(4, '0');

/** 14-digit timestamps one minute apart, from 2024-01-01 00:00 UTC. */
function timestamp(i: number): string {
  const date = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
  return date.toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

export function migrationSpec(i: number): MigrationSpec {
  const table = `bench_${pad(i)}`;
  return {
    i,
    name: `${timestamp(i)}-createBench${pad(i)}`,
    table,
    ...(i % 3 === 0 ? { extraColumn: { table: `bench_${pad(Math.ceil(i / 2))}`, column: `note_${pad(i)}` } } : {}),
    ...(i % 5 === 0 ? { index: { name: `${table}_email_idx`, column: 'email' as const } } : {}),
  };
}

/** The workload of N migrations; `root` is emptied (each tool then writes its files into it). */
export function workload(generatedDir: string, n: number): Workload {
  const root = path.join(generatedDir, String(n));
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  return { n, root, migrations: Array.from({ length: n }, (_, k) => migrationSpec(k + 1)) };
}

/** Writes `files` (relative name → text) into `dir`, creating it. */
export function writeFiles(dir: string, files: Iterable<[string, string]>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

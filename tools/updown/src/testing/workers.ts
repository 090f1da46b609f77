/**
 * One database per Jest worker, cloned from the template: `<base>_w1` … `<base>_wN`.
 *
 * Each carries a label (COMMENT ON DATABASE): `clean` as cloned, `dirty` once handed to a run. A run
 * marks its workers dirty before any test starts and re-clones the ones it used when it ends, so
 * the next run with the same fingerprint finds clean ones and waits for nothing. A dirty worker, or
 * one cloned from another fingerprint, is stale (a run that crashed or was interrupted, or a template
 * that changed): it is dropped and cloned again.
 */
import type { Admin, DatabaseInfo, Label } from './admin';

export function workerName(base: string, id: number): string {
  return `${base}_w${id}`;
}

/** `<base>_w<id>` → id; undefined for any other name. */
export function workerId(base: string, name: string): number | undefined {
  if (!name.startsWith(`${base}_w`)) return undefined;
  const rest = name.slice(base.length + 2);
  return /^[1-9]\d*$/.test(rest) ? Number(rest) : undefined;
}

export interface WorkerSet {
  base: string;
  template: string;
  fingerprint: string;
}

export interface PreparedWorkers {
  /** Worker databases 1..count, in order. */
  names: string[];
  /** Already clean: handed over as they were. */
  reused: string[];
  /** Cloned now (missing or stale). */
  cloned: string[];
  /** Stale ones dropped (beyond `count`, from another fingerprint, or left dirty by a run that died). */
  dropped: string[];
  durationMs: number;
}

function isClean(db: DatabaseInfo | undefined, fingerprint: string): boolean {
  return !!db && db.label?.updown === 'worker' && db.label.state === 'clean' && db.label.fingerprint === fingerprint;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await fn(item).catch((error) => errors.push(error));
    }
  });
  await Promise.all(lanes);
  if (errors.length > 0) throw errors[0];
}

function labels(set: WorkerSet, names: string[], state: 'clean' | 'dirty'): Array<[string, Label]> {
  return names.map((name) => [name, { updown: 'worker', fingerprint: set.fingerprint, state }]);
}

/** Clones `name` from the template again (dropping it first) and labels it clean. */
async function cloneClean(admin: Admin, set: WorkerSet, names: string[]): Promise<void> {
  await inParallel(names, 4, async (name) => {
    await admin.drop(name);
    await admin.create(name, set.template);
  });
  await admin.label(labels(set, names, 'clean'));
}

/**
 * Makes workers 1..count clean (reusing clean ones, cloning the rest; all of them when the template
 * was just built), drops stale ones, and marks
 * the `count` workers dirty: from here on a crash leaves them to be cleaned by the next run.
 * The caller holds the run lock (no other live run uses this set).
 */
export async function prepareWorkers(admin: Admin, set: WorkerSet, count: number, options: { templateRebuilt?: boolean } = {}): Promise<PreparedWorkers> {
  const started = Date.now();
  const existing = new Map<string, DatabaseInfo>();
  for (const db of await admin.list(`${set.base}_w`)) {
    if (workerId(set.base, db.name) === undefined) continue;
    // A template built again: clones of the old one are stale whatever their label says.
    existing.set(db.name, options.templateRebuilt ? { ...db, label: undefined } : db);
  }
  const names = Array.from({ length: count }, (_, index) => workerName(set.base, index + 1));
  const wanted = new Set(names);
  // Spare clean workers beyond `count` (a previous run with more workers) are kept for the next one.
  const stale = [...existing.values()].filter((db) => !isClean(db, set.fingerprint)).map((db) => db.name);
  const toDrop = stale.filter((name) => !wanted.has(name));
  const toClone = names.filter((name) => !isClean(existing.get(name), set.fingerprint));
  await dropWorkers(admin, toDrop);
  await cloneClean(admin, set, toClone);
  await admin.label(labels(set, names, 'dirty'));
  return {
    names,
    reused: names.filter((name) => !toClone.includes(name)),
    cloned: toClone,
    dropped: toDrop,
    durationMs: Date.now() - started,
  };
}

/**
 * After a run: clones the workers it used again, ahead of the next run, and labels the ones no test
 * file ran on (nobody connected to them) clean as they are.
 */
export async function releaseWorkers(admin: Admin, set: WorkerSet, workers: { used: string[]; unused: string[] }): Promise<void> {
  await cloneClean(admin, set, workers.used);
  await admin.label(labels(set, workers.unused, 'clean'));
}

/** Drops workers (an interrupted run: they are dirty, and the next run clones them in any case). */
export async function dropWorkers(admin: Admin, names: string[]): Promise<void> {
  await inParallel(names, 4, (name) => admin.drop(name));
}

/** Every database of the set, template included: for `dropTestDatabases()` and tests. */
export async function dropAll(admin: Admin, base: string, template: string): Promise<string[]> {
  const names = (await admin.list(`${base}_w`)).map((db) => db.name).filter((name) => workerId(base, name) !== undefined);
  await dropWorkers(admin, names);
  await admin.drop(template);
  return names;
}

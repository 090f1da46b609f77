/**
 * `updown seed verify`: on a scratch database with every migration applied, checks that each
 * seed's `down` removes the rows its `up` added (and restores what it changed).
 */
import { up } from '../api';
import { UsageError } from '../errors';
import type { RunOptions } from '../types';
import type { Probe } from './check';
import { engineOptions, readStream, runVerify, type VerifyOptions } from './migrations';
import { diffRows, rowSnapshotWith, takeRowSnapshot, type RowSnapshot } from './rows';
import { scratchRunOptions } from './scratch';
import type { VerifyResult } from './types';

export interface VerifySeedsOptions extends VerifyOptions {
  /** The migrations folder: they are applied before the seeds are verified. */
  migrationsDir: string;
}

function rowProbe(url: string, schema: string): Probe<RowSnapshot> {
  return { take: (db) => (db ? rowSnapshotWith(db, schema) : takeRowSnapshot(url, schema)), compare: diffRows, compareAgain: (e, a) => diffRows(e, a, { contents: false }) };
}

async function applyAll(options: RunOptions, url: string, migrationsDir: string, seedsTo?: string): Promise<void> {
  const run = scratchRunOptions(options, url);
  const migrated = await up({ ...run, kind: 'migrations', dir: migrationsDir });
  if (!migrated.success) throw migrated.errors[0];
  if (seedsTo === undefined) return;
  const seeded = await up({ ...run, kind: 'seeds', to: seedsTo });
  if (!seeded.success) throw seeded.errors[0];
}

export async function verifySeeds(options: VerifySeedsOptions): Promise<VerifyResult> {
  const seedOptions = { ...options, kind: 'seeds' as const };
  let target;
  try {
    if (options.inPlace) throw new UsageError('seed verify runs on a scratch database only: drop --in-place');
    target = await readStream(seedOptions, 'seeds', options.dir);
  } catch (error) {
    return { success: false, verdicts: [], notVerified: [], errors: [error as Error], durationMs: 0 };
  }
  return runVerify(
    seedOptions,
    target,
    (url) => rowProbe(url, options.schema),
    // A copy of the target may lack the newest migrations: seeds run on the whole schema.
    (url) => applyAll(engineOptions(seedOptions), url, options.migrationsDir),
    (url, to) => applyAll(engineOptions(seedOptions), url, options.migrationsDir, to),
  );
}

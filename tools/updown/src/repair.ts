import { UsageError } from './errors';
import { guardProduction } from './history';
import { findByName, historyProblems, normaliseName } from './plan';
import { withSession } from './session';
import type { RunOptions } from './types';

export type RepairAction = 'accepted-edit' | 'cleared-failure' | 'forgot-missing' | 'nothing-to-repair';

export interface RepairResult {
  success: boolean;
  action?: RepairAction;
  name?: string;
  /** The checksum recorded before, and the one recorded now (for an accepted edit). */
  previousChecksum?: string;
  checksum?: string;
  errors: Error[];
  durationMs: number;
}

/**
 * `repair --accept NAME`: the one way to tell updown that a change to the history is deliberate.
 * An edited file is re-recorded with its new checksum; a failed mark is cleared so the file runs
 * again; a missing file's row is forgotten (what it did stays in the database).
 */
export async function repair(options: RunOptions & { accept: string }): Promise<RepairResult> {
  const started = Date.now();
  let name = normaliseName(options.accept);
  try {
    const outcome = await withSession(options, `${options.kind} repair`, 'locked', async (session) => {
      const stream = session.stream(options.kind, options.dir);
      await stream.storage.ensure();
      await guardProduction(session, stream, 'repair');
      const files = stream.files();
      const applied = await stream.applied();
      const entry = findByName(applied, options.accept);
      if (!entry) throw new UsageError(`--accept ${options.accept}: nothing is recorded under that name; see \`status\``);
      name = entry.name;
      const problem = historyProblems(files, applied).find((candidate) => candidate.name === name);
      switch (problem?.kind) {
        case 'edited':
          await stream.storage.record(name, 'applied', null);
          return { action: 'accepted-edit' as const, previousChecksum: problem.recorded, checksum: problem.current };
        case 'failed':
          await stream.storage.forget(name, null);
          return { action: 'cleared-failure' as const };
        case 'missing':
          await stream.storage.forget(name, null);
          return { action: 'forgot-missing' as const };
        default:
          return { action: 'nothing-to-repair' as const };
      }
    });
    return { success: true, name, ...outcome, errors: [], durationMs: Date.now() - started };
  } catch (error) {
    return { success: false, name, errors: [error instanceof Error ? error : new Error(String(error))], durationMs: Date.now() - started };
  }
}

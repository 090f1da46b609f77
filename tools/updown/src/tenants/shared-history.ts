/**
 * A stream whose history lives in one fixed schema (`tableSchema`, or drizzle-kit's `drizzle`
 * schema) cannot serve many tenants: every tenant would read and write the same rows, and the second
 * would find the first one's files applied. Fan-out and the test template refuse such a stream.
 */
import { DRIZZLE_SCHEMA } from '../sql/drizzle';
import { UsageError } from '../errors';
import type { RunOptions, StreamLayout } from '../types';

/** Why `layout`'s history is shared by every schema, and how to fix it; undefined when each schema has its own. */
export function sharedHistory(layout: StreamLayout | undefined): string | undefined {
  if (layout?.format === 'sql' && layout.tracking === 'drizzle') {
    return `are tracked by drizzle, whose history lives in the schema "${layout.tableSchema ?? DRIZZLE_SCHEMA}" that every tenant would share; tenants need updown's own tracking (tracking: 'updown' on that stream)`;
  }
  if (layout?.tableSchema !== undefined) {
    return `keep their history in the fixed schema "${layout.tableSchema}" (tableSchema), which every tenant would share; remove tableSchema from that stream in updown.config.ts so that each tenant schema holds its own`;
  }
  return undefined;
}

/** Refuses (exit 2) a fan-out over a stream whose one history every tenant would share. */
export function refuseSharedHistory(options: RunOptions): void {
  const shared = sharedHistory(options.layout);
  if (shared) throw new UsageError(`the ${options.kind} in ${options.dir} ${shared}: nothing was run`);
}

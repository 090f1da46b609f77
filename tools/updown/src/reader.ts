/**
 * Reading a stream's history without Sequelize: `status` (and verify's look at the target) need
 * the folder's files and the tracking rows, nothing else. One pg connection and one SELECT per
 * table, instead of loading Sequelize and its pool: most of what `status` cost was that load.
 */
import type { Sequelize } from 'sequelize';
import { withClient } from './connection';
import { listFiles } from './loader';
import type { AppliedEntry, MigrationFile } from './plan';
import { createTracking } from './storage';
import type { ReadingClient, RunOptions, StreamKind, StreamLayout } from './types';

export interface StreamHistory {
  files: MigrationFile[];
  applied: AppliedEntry[];
  /** The environment recorded by the first migrate (updown_metadata), if any. */
  environment?: string;
}

/** The little of Sequelize's `query` the tracking stores use to read, answered by a pg client. */
function readingAdapter(client: ReadingClient): Sequelize {
  return {
    query: async (sql: string, options: { bind?: unknown[] } = {}) => (await client.query(sql, options.bind ?? [])).rows,
  } as unknown as Sequelize;
}

/** The rows of `schema`'s tracking tables for `files`, on a client the caller owns (tenant status reads many schemas on one). */
export async function readRows(client: ReadingClient, schema: string, kind: StreamKind, files: MigrationFile[], layout: StreamLayout): Promise<StreamHistory> {
  const tracking = createTracking(readingAdapter(client), schema, kind, layout);
  tracking.know(files);
  const applied = await tracking.applied();
  return { files, applied, environment: await tracking.metadata('environment') };
}

/** The files and rows of a stream, read only: no lock, nothing created. */
export async function readHistory(options: RunOptions, kind: StreamKind, dir: string, layout: StreamLayout = options.layout ?? {}): Promise<StreamHistory> {
  const files = listFiles(dir, layout);
  const read = (client: ReadingClient) => readRows(client, options.schema, kind, files, layout);
  return options.historyReader ? options.historyReader(read) : withClient(options.url, `${kind} status`, read);
}

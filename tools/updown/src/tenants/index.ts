/**
 * Tenant fan-out, the library side: choose the schemas, size the concurrency to the server, and run
 * a command (`up`, `down`, `fresh`, … of src/api.ts) on each. The CLI (src/cli/tenants.ts) only
 * adds the flags and the printing.
 */
import { sharedClients } from '../connection';
import type { RunOptions, RunResult } from '../types';
import { chooseConcurrency, connectionRoom } from './concurrency';
import { fanOut } from './fanout';
import { selectTenants } from './select';
import { refuseSharedHistory } from './shared-history';
import type { FanoutOptions, FanoutResult, TenantSelection } from './types';

export { CONNECTIONS_PER_TENANT } from './concurrency';
export { selectTenants } from './select';
export type * from './types';

export interface TenantRunOptions extends FanoutOptions {
  tenants: TenantSelection;
  /** Called once the schemas are known, before any runs (a progress bar needs the total). */
  onSelected?: (schemas: string[], concurrency: number) => void;
}

/**
 * Runs `command` once per tenant schema, each with `options.schema` set to it. `tenantOptions`
 * adapts the options per tenant (e.g. a logger that names the tenant).
 */
export async function forEachTenant(
  options: RunOptions,
  fanout: TenantRunOptions,
  command: (options: RunOptions) => Promise<RunResult>,
  tenantOptions: (schema: string) => Partial<RunOptions> = () => ({}),
): Promise<FanoutResult> {
  refuseSharedHistory(options);
  const schemas = await selectTenants(options.url, fanout.tenants, options.env);
  const concurrency = chooseConcurrency(await connectionRoom(options.url), schemas.length, fanout.concurrency, options.logger);
  fanout.onSelected?.(schemas, concurrency);
  const signal = fanout.signal ?? options.signal;
  // One memo for the whole fan-out: tenants in the same state are linted once (src/lint/gate.ts).
  const lintMemo = { results: new Map(), observed: new Set<string>() };
  // The histories each tenant reads first, on one connection per tenant at a time, kept for the run.
  const readers = sharedClients(options.url, `${options.kind} tenants' histories`, concurrency);
  const shared: RunOptions = { ...options, lintMemo, historyReader: (read) => readers.use(read), typeCatalog: {} };
  try {
    return await fanOut(schemas, { ...fanout, concurrency, signal }, (schema) => command({ ...shared, ...tenantOptions(schema), schema }));
  } finally {
    await readers.end().catch(() => undefined);
  }
}

/**
 * `status` across tenants: every tenant's tracking rows read against the one folder listing, on a
 * few plain connections (no Sequelize, no lock), reduced to a line per tenant so 1,000 tenants cost
 * little memory. The printer then shows counts per state and the tenants that differ from the
 * majority (behind, edited, failed).
 */
import { statusItems, upToDate } from '../api';
import { compileProblems } from '../compile-check';
import { withClient } from '../connection';
import { listFiles } from '../loader';
import { misnamedFileWarnings } from '../name-check';
import { readRows } from '../reader';
import type { ItemState, RunOptions } from '../types';
import { selectTenants } from './select';
import type { TenantSelection } from './types';

/** A tenant's state: its worst item's, or `up-to-date`. */
export type TenantStatusState = 'up-to-date' | 'pending' | 'invalid' | 'missing' | 'edited' | 'failed' | 'unreadable';

const WORST_FIRST: TenantStatusState[] = ['unreadable', 'failed', 'edited', 'missing', 'invalid', 'pending'];

export interface TenantStatus {
  schema: string;
  state: TenantStatusState;
  applied: number;
  /** Pending file names (seeds meant for another environment are not pending). */
  pending: string[];
  /** Files whose state is wrong: edited, missing, failed, invalid. */
  problems: { name: string; state: ItemState }[];
  lastApplied?: string;
  error?: Error;
}

export interface TenantStatusResult {
  /** Every tenant up to date. */
  success: boolean;
  tenants: TenantStatus[];
  files: number;
  durationMs: number;
}

/** Plain connections reading at once: enough to hide round trips, few enough never to matter to the server. */
const READERS = 4;

function summarise(schema: string, items: ReturnType<typeof statusItems>): TenantStatus {
  const applied = items.filter((item) => item.state === 'applied');
  const pending = items.filter((item) => item.state === 'pending' && !item.skipped).map((item) => item.name);
  const problems = items.filter((item) => !['applied', 'pending'].includes(item.state)).map(({ name, state }) => ({ name, state }));
  const states = new Set<string>([...problems.map((p) => p.state), ...(pending.length ? ['pending'] : [])]);
  const state = upToDate(items) ? 'up-to-date' : (WORST_FIRST.find((s) => states.has(s)) ?? 'pending');
  return { schema, state, applied: applied.length, pending, problems, ...(applied.length ? { lastApplied: applied[applied.length - 1]!.name } : {}) };
}

/** The status of every selected tenant, in the selection's order. */
export async function tenantStatus(options: RunOptions, selection: TenantSelection): Promise<TenantStatusResult> {
  const started = Date.now();
  const schemas = await selectTenants(options.url, selection, options.env);
  const layout = options.layout ?? {};
  const files = listFiles(options.dir, layout);
  for (const warning of misnamedFileWarnings(options.dir, layout.format)) options.logger.warn(warning);
  const invalid = compileProblems(files);
  const statuses = new Map<string, TenantStatus>();
  let next = 0;
  const reader = () =>
    withClient(options.url, `${options.kind} status`, async (client) => {
      while (next < schemas.length) {
        const schema = schemas[next++]!;
        try {
          const { applied } = await readRows(client, schema, options.kind, files, layout);
          statuses.set(schema, summarise(schema, statusItems({ ...options, schema }, files, applied, invalid)));
        } catch (error) {
          statuses.set(schema, { schema, state: 'unreadable', applied: 0, pending: [], problems: [], error: error as Error });
        }
      }
    });
  await Promise.all(Array.from({ length: Math.min(READERS, schemas.length) }, reader));
  const tenants = schemas.map((schema) => statuses.get(schema)!);
  return { success: tenants.every((tenant) => tenant.state === 'up-to-date'), tenants, files: files.length, durationMs: Date.now() - started };
}

/** What sets a tenant apart: tenants with the same key are in the same place. */
export function statusKey(tenant: TenantStatus): string {
  return JSON.stringify([tenant.state, tenant.lastApplied, tenant.pending, tenant.problems]);
}

/**
 * Where most tenants are, and the tenants that are elsewhere. With no state shared by more tenants
 * than any other, there is no majority: the others are then the tenants not up to date.
 */
export function outliers(result: TenantStatusResult): { majority: TenantStatus | undefined; others: TenantStatus[] } {
  const counts = new Map<string, number>();
  for (const tenant of result.tenants) counts.set(statusKey(tenant), (counts.get(statusKey(tenant)) ?? 0) + 1);
  const [top, second] = [...counts].sort((a, b) => b[1] - a[1]);
  if (!top || (second && second[1] === top[1])) return { majority: undefined, others: result.tenants.filter((tenant) => tenant.state !== 'up-to-date') };
  const majority = result.tenants.find((tenant) => statusKey(tenant) === top[0])!;
  return { majority, others: result.tenants.filter((tenant) => statusKey(tenant) !== top[0]) };
}

/**
 * `verify` and `lint` across tenants. Both run on a scratch database, never on the tenant, and what
 * they prove depends only on the files and on where the tenant's history stands: tenants in the same
 * state would give the same answer. So the tenants are grouped by state and each group is checked
 * once, on its first tenant, the answer standing for the whole group (1,000 identical tenants cost
 * one scratch database, not 1,000).
 */
import type { RunOptions } from '../types';
import { statusKey, tenantStatus } from './status';
import type { TenantSelection } from './types';

export interface TenantGroup<R> {
  /** The tenant the check ran on. */
  schema: string;
  /** Every tenant in the same state, `schema` first. */
  tenants: string[];
  result: R;
}

/** Runs `check` once per group of tenants in the same state, one group after another. */
export async function forEachTenantState<R>(
  options: RunOptions,
  selection: TenantSelection,
  check: (options: RunOptions, group: { schema: string; tenants: string[] }) => Promise<R>,
): Promise<TenantGroup<R>[]> {
  const { tenants } = await tenantStatus(options, selection);
  const byState = new Map<string, string[]>();
  for (const tenant of tenants) byState.set(statusKey(tenant), [...(byState.get(statusKey(tenant)) ?? []), tenant.schema]);
  const groups: TenantGroup<R>[] = [];
  for (const members of byState.values()) {
    if (options.signal?.aborted) break;
    const schema = members[0]!;
    groups.push({ schema, tenants: members, result: await check({ ...options, schema }, { schema, tenants: members }) });
  }
  return groups;
}

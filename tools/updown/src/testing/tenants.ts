/**
 * The tenant schemas a test template holds besides the configured schema, for a SaaS suite that
 * needs several tenants: the names from setupTestDatabase's `tenants` option, checked before
 * anything is started or built, so that a typo costs a message and not a template.
 */
import { UsageError } from '../errors';
import { sharedHistory } from '../tenants/shared-history';
import type { StreamLayout } from '../types';

export const DEFAULT_TENANT_PREFIX = 'tenant_';

/** PostgreSQL truncates identifiers beyond NAMEDATALEN - 1 bytes: a longer name would not be the schema's. */
const MAX_NAME_BYTES = 63;

export interface TenantOptions {
  /**
   * Tenant schemas the template holds besides the configured schema: a count (`3` → `tenant_1`,
   * `tenant_2`, `tenant_3`) or the names themselves (`['acme', 'globex']`). Each is migrated (and
   * seeded with `seed: true`) as `updown up --schema <tenant>` would, with its own tracking tables;
   * every worker database is a clone, tenants included. The set is part of the fingerprint: another
   * count or name builds another template (the order does not matter). The names reach the tests as
   * `UPDOWN_TEST_TENANTS=tenant_1,tenant_2,…` (`testTenants()` splits it), and resetDatabase() /
   * reseed() cover every tenant. A name has 1 to 63 bytes, no comma, no `pg_` prefix, and is not the
   * configured schema; a count is a whole number ≥ 1. Default: no tenant.
   */
  tenants?: number | string[];
  /** With a count only: the names' prefix (default `tenant_`; `org_` gives org_1 … org_K). */
  tenantPrefix?: string;
}

function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string') throw new UsageError(`${where}: a tenant is a schema name (a string), got ${JSON.stringify(name)}`);
  const bytes = Buffer.byteLength(name);
  if (bytes === 0 || bytes > MAX_NAME_BYTES) {
    throw new UsageError(`${where}: tenant schema "${name}" has ${bytes} bytes; a schema name has 1 to ${MAX_NAME_BYTES} (shorten it)`);
  }
  // UPDOWN_TEST_TENANTS joins the names with commas: a comma would split a name in two there.
  if (name.includes(',')) throw new UsageError(`${where}: tenant schema "${name}" contains a comma (the names are passed comma-separated): rename it`);
  if (name.includes('\u0000')) throw new UsageError(`${where}: tenant schema ${JSON.stringify(name)} contains a NUL character`);
  if (name.startsWith('pg_')) throw new UsageError(`${where}: tenant schema "${name}": the prefix pg_ is reserved for PostgreSQL's own schemas`);
  return name;
}

/** The tenant schema names, in the order given; [] without the option. Throws UsageError on bad input. */
export function tenantNames(options: TenantOptions): string[] {
  const { tenants, tenantPrefix } = options;
  if (tenants === undefined) {
    if (tenantPrefix !== undefined) throw new UsageError('tenantPrefix is given without tenants: pass tenants: <count> as well, or drop tenantPrefix');
    return [];
  }
  let names: string[];
  if (typeof tenants === 'number') {
    if (!Number.isInteger(tenants) || tenants < 1) {
      throw new UsageError(`tenants: ${tenants} is not a tenant count: pass a whole number of at least 1, or omit tenants for none`);
    }
    const prefix = tenantPrefix ?? DEFAULT_TENANT_PREFIX;
    names = Array.from({ length: tenants }, (_, index) => checkName(`${prefix}${index + 1}`, 'tenants (with tenantPrefix)'));
  } else if (Array.isArray(tenants)) {
    if (tenantPrefix !== undefined) throw new UsageError('tenantPrefix applies to a tenant count only: with a list of names, write the names in full');
    if (tenants.length === 0) throw new UsageError('tenants: [] names no tenant: list at least one schema, or omit tenants for none');
    names = tenants.map((name, index) => checkName(name, `tenants[${index}]`));
  } else {
    throw new UsageError(`tenants: expected a count or a list of schema names, got ${JSON.stringify(tenants)}`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new UsageError(`tenants: "${name}" is listed twice: each tenant needs a schema of its own`);
    seen.add(name);
  }
  return names;
}

/** What resolveTarget knows once the config is read: the configured schema and where each stream keeps its history. */
export function checkTenantsAgainst(tenants: string[], schema: string, streams: Array<[what: string, layout: StreamLayout | undefined]>): void {
  if (tenants.length === 0) return;
  if (tenants.includes(schema)) {
    throw new UsageError(`tenants: "${schema}" is the configured schema, which the template holds already: pick another tenant name`);
  }
  for (const [what, layout] of streams) {
    const shared = sharedHistory(layout);
    if (shared) throw new UsageError(`tenants: the ${what} ${shared}`);
  }
}

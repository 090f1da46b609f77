/**
 * The vocabulary of a run over many tenant schemas: which schemas, how each one ended, and the
 * whole fan-out's result. Shared by the library (src/tenants) and the CLI's printers.
 */
import type { ExecutedItem } from '../types';

/** What `tenants` in updown.config.ts receives: a read-only query on the target and the environment. */
export interface TenantsContext {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>;
  env: string;
}

/** updown.config.ts `tenants`: the tenant schemas' names, e.g. read from a `tenants` table. */
export type TenantsFunction = (context: TenantsContext) => Promise<string[]> | string[];

/** How the tenants are chosen: `--schemas`, `--schemas-from`, `--tenants` (the config's function), or repeated `--schema`. */
export type TenantSelection =
  | { kind: 'pattern'; pattern: string }
  | { kind: 'query'; sql: string }
  | { kind: 'config'; tenants: TenantsFunction; file: string }
  | { kind: 'list'; schemas: string[] };

/**
 * `done`: everything planned ran (or nothing was to do). `failed`: a file failed (it rolled back).
 * `refused`: nothing ran (edited history, production guard, lint). `skipped-locked`: another
 * runner held the tenant's lock past `--lock-timeout`. `not-started`: `--fail-fast` or an interrupt
 * stopped the run first. `interrupted`: SIGINT/SIGTERM stopped this tenant's file (rolled back).
 */
export type TenantState = 'done' | 'failed' | 'refused' | 'skipped-locked' | 'not-started' | 'interrupted';

export const TENANT_STATES: TenantState[] = ['done', 'failed', 'refused', 'skipped-locked', 'interrupted', 'not-started'];

export interface TenantOutcome {
  schema: string;
  state: TenantState;
  executed: ExecutedItem[];
  error?: Error;
  durationMs: number;
}

export interface FanoutResult {
  /** Every tenant ended `done`. */
  success: boolean;
  /** In the selection's order. */
  tenants: TenantOutcome[];
  /** How many tenants ran at a time. */
  concurrency: number;
  durationMs: number;
  /** The signal's reason (SIGINT, SIGTERM) when an interrupt stopped the run. */
  interrupted?: string;
}

export interface FanoutOptions {
  /** Tenants at a time; default (and ceiling) from the server's connection head-room and the CPUs. */
  concurrency?: number;
  /** Start no further tenant once one has failed or been refused. */
  failFast?: boolean;
  signal?: AbortSignal;
  onTenantStart?: (schema: string) => void;
  onTenantEnd?: (outcome: TenantOutcome) => void;
}

/** updown's public API: named exports only. The CLI is a thin adapter over these. */
export { up, down, redo, status, fresh, drop } from './api';
export { resolveOptions, resolveDir, loadConfig, findConfig, type CommandFlags, type ResolvedOptions } from './config';
export { createFile, validateName } from './create';
export { maskUrl } from './connection';
export { ensureDatabase, dropDatabase, urlForDatabase } from './database';
export { quoteIdent, qualify } from './quote';
export { TRACKING_TABLES } from './storage';
export * from './errors';
export type * from './types';
export { checkReversible, irreversibleReason, IrreversibleChangeError, type Change, type ChangeContext, type ChangeQueryInterface } from './change';
export { verify, verifySeeds, dump } from './verify';
export { lint, type LintOptions } from './lint/runner';
export type { LintFinding, LintResult, LintedFile, FindingLock, TableSize } from './lint/types';
export { forEachTenant, selectTenants, CONNECTIONS_PER_TENANT, type TenantRunOptions } from './tenants';
export type { TenantSelection, TenantState, TenantOutcome, FanoutResult, TenantsFunction, TenantsContext } from './tenants/types';
export { tenantStatus, type TenantStatus, type TenantStatusResult } from './tenants/status';

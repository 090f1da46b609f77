/**
 * Runs one command on many tenant schemas, `concurrency` at a time, in this one process. Each
 * tenant is a run of its own (its own connection, lock and transactions, opened and closed by the
 * command), so no transaction ever spans tenants and nothing of a finished tenant stays in memory
 * but its outcome. A tenant's failure ends that tenant only; `failFast` stops starting new ones.
 */
import { setMaxListeners } from 'node:events';
import { InterruptedError, LockTimeoutError, RefusedError } from '../errors';
import type { RunResult } from '../types';
import type { FanoutOptions, FanoutResult, TenantOutcome, TenantState } from './types';

/** How a tenant's run ended, from its first error (the same classes the exit codes come from). */
export function tenantState(result: RunResult): TenantState {
  if (result.success) return 'done';
  const [error] = result.errors;
  if (error instanceof InterruptedError) return 'interrupted';
  if (error instanceof LockTimeoutError) return 'skipped-locked';
  if (error instanceof RefusedError) return 'refused';
  return 'failed';
}

const stops = (state: TenantState) => state === 'failed' || state === 'refused';

async function runTenant(schema: string, run: (schema: string) => Promise<RunResult>): Promise<TenantOutcome> {
  const started = Date.now();
  let result: RunResult;
  try {
    result = await run(schema);
  } catch (error) {
    // The API returns its failures; a throw here is unexpected, and still this tenant's alone.
    result = { success: false, executed: [], errors: [error instanceof Error ? error : new Error(String(error))], durationMs: 0 };
  }
  const [error] = result.errors;
  return { schema, state: tenantState(result), executed: result.executed, ...(error ? { error } : {}), durationMs: Date.now() - started };
}

/** Every schema's outcome, in the order given; those never started (fail-fast, interrupt) say so. */
export async function fanOut(schemas: string[], options: FanoutOptions & { concurrency: number }, run: (schema: string) => Promise<RunResult>): Promise<FanoutResult> {
  const started = Date.now();
  // Each running tenant listens to the one signal (its lock wait, its file): more than Node's default of 10.
  if (options.signal) setMaxListeners(Math.max(10, 4 * options.concurrency), options.signal);
  const outcomes = new Map<string, TenantOutcome>();
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (next < schemas.length && !stopped && !options.signal?.aborted) {
      const schema = schemas[next++]!;
      options.onTenantStart?.(schema);
      const outcome = await runTenant(schema, run);
      outcomes.set(schema, outcome);
      if (options.failFast && stops(outcome.state)) stopped = true;
      options.onTenantEnd?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, schemas.length) }, worker));
  const tenants = schemas.map((schema) => outcomes.get(schema) ?? { schema, state: 'not-started' as const, executed: [], durationMs: 0 });
  const interrupted = options.signal?.aborted ? String(options.signal.reason) : undefined;
  const success = tenants.every((tenant) => tenant.state === 'done');
  return { success, tenants, concurrency: options.concurrency, durationMs: Date.now() - started, ...(interrupted ? { interrupted } : {}) };
}

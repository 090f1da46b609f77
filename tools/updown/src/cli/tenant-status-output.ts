/**
 * `status` across tenants, printed: for people, the count of tenants per state and the tenants that
 * differ from the majority with what differs; for `--json`, one document with every tenant.
 */
import pc from 'picocolors';
import { outliers, type TenantStatus, type TenantStatusResult } from '../tenants/status';
import { errorJson, ms, type Io } from './output';

const SHOWN = 50;

const PAINT: Record<TenantStatus['state'], (text: string) => string> = {
  'up-to-date': pc.green,
  pending: pc.yellow,
  invalid: pc.red,
  missing: pc.red,
  edited: pc.red,
  failed: pc.red,
  unreadable: pc.red,
};

function where(tenant: TenantStatus): string {
  const parts: string[] = [];
  if (tenant.error) parts.push(tenant.error.message.split('\n')[0]!);
  for (const problem of tenant.problems) parts.push(`${problem.state} ${problem.name}`);
  if (tenant.pending.length) {
    const names = tenant.pending.length > 3 ? `${tenant.pending.slice(0, 3).join(', ')}, …` : tenant.pending.join(', ');
    parts.push(`${tenant.pending.length} pending: ${names}`);
  }
  parts.push(tenant.lastApplied ? `last applied ${tenant.lastApplied}` : 'nothing applied');
  return parts.join('; ');
}

function humanLines(result: TenantStatusResult, kind: string): string[] {
  const counts = new Map<TenantStatus['state'], number>();
  for (const tenant of result.tenants) counts.set(tenant.state, (counts.get(tenant.state) ?? 0) + 1);
  const states = [...counts].map(([state, n]) => PAINT[state](`${n} ${state}`));
  const lines = [`${result.tenants.length} tenants, ${result.files} ${kind} in the folder: ${states.join(', ')} ${pc.dim(`(${ms(result.durationMs)})`)}`];
  const { majority, others } = outliers(result);
  if (majority && others.length === 0) return [...lines, `every tenant is ${majority.state}: ${where(majority)}`];
  if (majority) lines.push(`most tenants (${result.tenants.length - others.length}) are ${majority.state}: ${where(majority)}`, 'these differ:');
  else if (others.length > 0) lines.push('no state is shared by most tenants; these are not up to date:');
  if (others.length > 0) {
    const width = Math.min(40, Math.max(...others.map((tenant) => tenant.schema.length)));
    for (const tenant of others.slice(0, SHOWN)) lines.push(`  ${tenant.schema.padEnd(width)}  ${PAINT[tenant.state](tenant.state.padEnd(10))} ${where(tenant)}`);
    if (others.length > SHOWN) lines.push(`  … and ${others.length - SHOWN} more (--json lists every tenant)`);
  }
  return lines;
}

function json(result: TenantStatusResult): string {
  const counts: Record<string, number> = {};
  for (const tenant of result.tenants) counts[tenant.state] = (counts[tenant.state] ?? 0) + 1;
  const tenants = result.tenants.map(({ schema, state, applied, pending, problems, lastApplied, error }) => ({
    schema,
    state,
    applied,
    pending,
    problems,
    ...(lastApplied ? { lastApplied } : {}),
    ...(error ? { error: errorJson(error) } : {}),
  }));
  return JSON.stringify({ ok: result.success, tenants, counts, durationMs: result.durationMs });
}

export function printTenantStatus(io: Io, asJson: boolean, result: TenantStatusResult, kind: string): void {
  if (asJson) io.stdout(`${json(result)}\n`);
  else for (const line of humanLines(result, kind)) io.stdout(`${line}\n`);
}

/**
 * `migrate verify`, `seed verify` and `migrate lint` on many tenants: checked once per group of
 * tenants in the same state (src/tenants/groups.ts), each group's report printed as on one schema
 * under a line saying which tenants it stands for; `--json` gets one document with every tenant.
 */
import pc from 'picocolors';
import { forEachTenantState, type TenantGroup } from '../tenants/groups';
import type { TenantSelection } from '../tenants/types';
import type { RunOptions } from '../types';
import { EXIT } from './exit-codes';
import type { Io, Printer } from './output';

/** How one check's result is reported on one schema: printed for people, as JSON, and as an exit code. */
export interface CheckReport<R> {
  print(result: R): void;
  json(result: R): Record<string, unknown>;
  code(result: R): number;
}

/** The code of a run of many groups: an interrupt, then 2, 4, 1, 3, as the contract ranks them. */
export function worstCode(codes: number[]): number {
  const ranked = [EXIT.interrupted, EXIT.terminated, EXIT.refused, EXIT.cannotConnect, EXIT.failed, EXIT.lockTimeout];
  return ranked.find((code) => codes.includes(code)) ?? EXIT.ok;
}

function groupLine(group: { schema: string; tenants: string[] }): string {
  const others = group.tenants.length - 1;
  return pc.bold(others === 0 ? `on ${group.schema}:` : `on ${group.schema}, standing for it and ${others} more tenant(s) in the same state:`);
}

function stateOf(code: number): string {
  return code === EXIT.ok ? 'done' : code === EXIT.refused ? 'refused' : 'failed';
}

export async function checkTenantStates<R>(
  io: Io,
  printer: Printer,
  options: RunOptions,
  tenants: TenantSelection,
  check: (options: RunOptions) => Promise<R>,
  report: CheckReport<R>,
): Promise<number> {
  const groups: TenantGroup<R>[] = await forEachTenantState(options, tenants, async (each, group) => {
    if (!printer.json) io.stdout(`${groupLine(group)}\n`);
    const result = await check(each);
    if (!printer.json) report.print(result);
    return result;
  });
  const codes = groups.map((group) => report.code(group.result));
  if (printer.json) {
    const doc = {
      ok: codes.every((code) => code === EXIT.ok),
      tenants: groups.flatMap((group, i) => group.tenants.map((schema) => ({ schema, state: stateOf(codes[i]!), checkedOn: group.schema }))),
      groups: groups.map((group) => ({ schema: group.schema, tenants: group.tenants, ...report.json(group.result) })),
    };
    io.stdout(`${JSON.stringify(doc)}\n`);
  } else io.stdout(`${groups.length} group(s) of tenants in the same state, ${groups.reduce((n, g) => n + g.tenants.length, 0)} tenants, each group checked once\n`);
  return worstCode(codes);
}

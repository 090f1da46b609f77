import type { Command } from 'commander';
import { lint } from '../../lint/runner';
import { findingLines, lintJson, summaryLines } from '../../lint/report';
import type { LintResult } from '../../lint/types';
import { scratchLine } from '../../verify/report';
import { action, type CliState, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import { errorJson, type Io, type Printer } from '../output';
import { checkTenantStates, type CheckReport } from '../tenant-checks';
import { tenantSelection, withTenantOptions, type TenantFlags } from '../tenants';
import { withTarget } from '../target';
import type { RunOptions } from '../../types';

interface LintFlags extends GlobalFlags, TenantFlags {
  all?: boolean;
  from?: string;
  to?: string;
}

/** Exit 0: nothing unacknowledged; 1: a finding (or a file that failed); 2: refused (bad input, no scratch database). */
function lintReport(io: Io, printer: Printer): CheckReport<LintResult> {
  return {
    print: (result) => {
      for (const finding of result.findings) io.stdout(`${findingLines(finding).join('\n')}\n`);
      for (const error of result.errors) printer.error(error);
      for (const line of summaryLines(result)) io.stdout(`${line}\n`);
    },
    json: (result) => lintJson(result, errorJson),
    code: (result) => (result.errors.length > 0 ? exitCodeOf(result.errors[0]) : result.success ? EXIT.ok : EXIT.failed),
  };
}

/** `migrate lint`: what each migration really does to a busy table, found on a scratch database. */
export function lintCommand(migrateCmd: Command, io: Io, state: CliState): void {
  withTenantOptions(withCommonOptions(
    migrateCmd
      .command('lint')
      .description('run each migration on a scratch database, watch the locks and rewrites its statements cause, and report the dangerous ones with the safe recipe (default: the pending migrations)'),
  ))
    .option('--all', 'every migration from the first one, on a database that starts empty')
    .option('--from <name>', 'first migration to lint (inclusive)')
    .option('--to <name>', 'last migration to lint (inclusive)')
    .action(
      action<LintFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, async (options, resolved) => {
          const onScratch = printer.json ? undefined : (scratch: Parameters<typeof scratchLine>[0]) => io.stdout(`${scratchLine(scratch, 'migrations').replace('verifying', 'linting')}\n`);
          const check = (each: RunOptions) => lint({ ...each, all: flags.all, from: flags.from, to: flags.to, onScratch });
          const report = lintReport(io, printer);
          const tenants = tenantSelection(flags, resolved.source);
          if (tenants) return checkTenantStates(io, printer, options, tenants, check, report);
          const result = await check(options);
          if (printer.json) io.stdout(`${JSON.stringify(report.json(result))}\n`);
          else report.print(result);
          return report.code(result);
        }),
      ),
    );
}

import type { Command } from 'commander';
import { lint } from '../../lint/runner';
import { findingLines, lintJson, summaryLines } from '../../lint/report';
import type { LintResult } from '../../lint/types';
import { scratchLine } from '../../verify/report';
import { action, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import { errorJson, type Io, type Printer } from '../output';
import { withTarget } from '../target';

interface LintFlags extends GlobalFlags {
  all?: boolean;
  from?: string;
  to?: string;
}

/** 0: nothing unacknowledged; 1: a finding (or a file that failed); 2: refused (bad input, no scratch database). */
function finish(io: Io, printer: Printer, result: LintResult): number {
  if (printer.json) io.stdout(`${JSON.stringify(lintJson(result, errorJson))}\n`);
  else {
    for (const finding of result.findings) io.stdout(`${findingLines(finding).join('\n')}\n`);
    for (const error of result.errors) printer.error(error);
    for (const line of summaryLines(result)) io.stdout(`${line}\n`);
  }
  if (result.errors.length > 0) return exitCodeOf(result.errors[0]);
  return result.success ? EXIT.ok : EXIT.failed;
}

/** `migrate lint`: what each migration really does to a busy table, found on a scratch database. */
export function lintCommand(migrateCmd: Command, io: Io, state: { code: number }): void {
  withCommonOptions(
    migrateCmd
      .command('lint')
      .description('run each migration on a scratch database, watch the locks and rewrites its statements cause, and report the dangerous ones with the safe recipe (default: the pending migrations)'),
  )
    .option('--all', 'every migration from the first one, on a database that starts empty')
    .option('--from <name>', 'first migration to lint (inclusive)')
    .option('--to <name>', 'last migration to lint (inclusive)')
    .action(
      action<LintFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, async (options) => {
          const onScratch = printer.json ? undefined : (scratch: Parameters<typeof scratchLine>[0]) => io.stdout(`${scratchLine(scratch, 'migrations').replace('verifying', 'linting')}\n`);
          return finish(io, printer, await lint({ ...options, all: flags.all, from: flags.from, to: flags.to, onScratch }));
        }),
      ),
    );
}

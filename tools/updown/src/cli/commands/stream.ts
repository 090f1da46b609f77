import { Command, Option } from 'commander';
import { down, redo, repair, runOne, status, up } from '../../api';
import { resolveDir } from '../../config';
import { createFile } from '../../create';
import { createSqlFiles } from '../../sql/numbering';
import type { ProjectSource } from '../../config';
import type { RunOptions, RunResult, StreamKind } from '../../types';
import { action, type CliState, positiveInteger, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import type { Io, Printer } from '../output';
import { onTenantsOr, tenantSelection, withTenantOptions, type TenantFlags } from '../tenants';
import { printTenantStatus } from '../tenant-status-output';
import { tenantStatus } from '../../tenants/status';
import { withTarget } from '../target';

const SINGLE_TRANSACTION = 'every planned file in one transaction, all or nothing (refused when one must run outside a transaction)';

interface RangeFlags extends GlobalFlags, TenantFlags {
  to?: string;
  step?: number;
  all?: boolean;
  strictOrder?: boolean;
  dryRun?: boolean;
  unsafe?: boolean;
}

interface StatusFlags extends GlobalFlags, TenantFlags {
  check?: boolean;
}

function finish(printer: Printer, result: RunResult, what: string): number {
  if (result.preview) printer.preview(result.preview);
  printer.result(result, what);
  return result.success ? EXIT.ok : exitCodeOf(result.errors[0]);
}

/** `up`, `down`, `redo`, `status`, `create`: the same commands for migrations and for seeds. */
export function streamCommands(parent: Command, kind: StreamKind, io: Io, state: CliState): void {
  const noun = kind === 'migrations' ? 'migration' : 'seed';

  const fanned = (flags: RangeFlags, printer: Printer, source: ProjectSource) => ({ io, printer, argv: state.argv, flags, source });

  withTenantOptions(withCommonOptions(parent.command('up').description(`apply pending ${kind}`)))
    .option('--to <name>', `apply up to and including this ${noun}`)
    .option('--step <n>', `apply the next N ${kind}`, positiveInteger('--step'))
    .option('--strict-order', `refuse pending ${kind} older than the newest applied one (default: apply them and say so)`)
    .option('--dry-run', 'print the SQL each file would run (in a transaction that is rolled back); change nothing')
    .option('--single-transaction', SINGLE_TRANSACTION)
    .option('--unsafe', 'production: apply even when `migrate lint` has findings no file acknowledges')
    .action(
      action<RangeFlags>(io, state, (flags, printer) =>
        withTarget(kind, flags, printer, (options, resolved) => {
          const { to, step, strictOrder, dryRun, unsafe } = flags;
          const done = to ? `every ${noun} up to ${to} is applied` : `every ${noun} is applied`;
          const run = (each: RunOptions) => up({ ...each, to, step, strictOrder, dryRun, unsafe });
          return onTenantsOr(fanned(flags, printer, resolved.source), options, run, (result) => finish(printer, result, done));
        }),
      ),
    );

  withTenantOptions(withCommonOptions(parent.command('down').description(`revert applied ${kind}, newest first (default: the last one)`)))
    .option('--to <name>', `revert down to and including this ${noun}`)
    .option('--step <n>', `revert the last N ${kind}`, positiveInteger('--step'))
    .addOption(new Option('--all', `revert every applied ${noun}`))
    .option('--dry-run', 'print the SQL each down would run (in a transaction that is rolled back); change nothing')
    .option('--single-transaction', SINGLE_TRANSACTION)
    .action(
      action<RangeFlags>(io, state, (flags, printer) =>
        withTarget(kind, flags, printer, (options, resolved) => {
          const { to, step, all, dryRun } = flags;
          const run = (each: RunOptions) => down({ ...each, to, step, all, dryRun });
          return onTenantsOr(fanned(flags, printer, resolved.source), options, run, (result) => finish(printer, result, `no ${noun} is applied`));
        }),
      ),
    );

  withTenantOptions(withCommonOptions(parent.command('redo').description(`revert and re-apply the last N ${kind} (default 1)`)))
    .option('--step <n>', `how many ${kind}`, positiveInteger('--step'))
    .option('--single-transaction', SINGLE_TRANSACTION)
    .action(
      action<RangeFlags>(io, state, (flags, printer) =>
        withTarget(kind, flags, printer, (options, resolved) => {
          const run = (each: RunOptions) => redo({ ...each, step: flags.step });
          return onTenantsOr(fanned(flags, printer, resolved.source), options, run, (result) => finish(printer, result, `no ${noun} is applied`));
        }),
      ),
    );

  withTenantOptions(withCommonOptions(parent.command('status').description(`list ${kind} and their state`)))
    .option('--check', `exit 1 when any ${noun} is pending or wrong (for CI); with tenants, when any tenant is not up to date`)
    .action(
      action<StatusFlags>(io, state, (flags, printer) =>
        withTarget(kind, flags, printer, async (options, resolved) => {
          const tenants = tenantSelection(flags, resolved.source);
          if (tenants) {
            const across = await tenantStatus(options, tenants);
            printTenantStatus(io, printer.json, across, kind);
            return flags.check && !across.success ? EXIT.failed : EXIT.ok;
          }
          const result = await status(options);
          printer.status(result, kind);
          return flags.check && !result.success ? EXIT.failed : EXIT.ok;
        }),
      ),
    );

  withCommonOptions(parent.command('repair').description(`accept a deliberate change to the history of ${kind}`))
    .requiredOption('--accept <name>', `re-record an edited ${noun}, clear a failed mark, or forget a missing file`)
    .action(
      action<GlobalFlags & { accept: string }>(io, state, (flags, printer) =>
        withTarget(kind, flags, printer, async (options) => {
          const result = await repair({ ...options, accept: flags.accept });
          printer.repaired(result);
          return result.success ? EXIT.ok : exitCodeOf(result.errors[0]);
        }),
      ),
    );

  if (kind === 'seeds') {
    withCommonOptions(parent.command('run').argument('<name>', 'the seed to run, e.g. 20250316090200-adminUser'))
      .description('run one seed by name, recorded like the others')
      .action(
        action<GlobalFlags>(io, state, (flags, printer, [name]) =>
          withTarget(kind, flags, printer, async (options) => finish(printer, await runOne({ ...options, name }), `${name} is already applied`)),
        ),
      );
  }

  withCommonOptions(parent.command('create').argument('<name>', 'camelCase name, e.g. addStripeCustomerIdToOrganizations'))
    .description(`write a new timestamped ${noun} file from the template`)
    .option('--change', 'a reversible `change` (down derived from it) instead of up and down')
    .option('--sql', "plain .sql files (the up and its down), numbered the way the folder's files are")
    .action(
      action<GlobalFlags & { change?: boolean; sql?: boolean }>(io, state, async (flags, printer, [name]) => {
        if (flags.sql) {
          const files = createSqlFiles({ dir: resolveDir(kind, flags), name, kind });
          // One JSON document for the pair: `file` as for any create, `files` with the down.
          if (printer.json) io.stdout(`${JSON.stringify({ ok: true, file: files[0], files })}\n`);
          else for (const file of files) printer.created(file);
        } else printer.created(createFile({ dir: resolveDir(kind, flags), name, kind, change: flags.change }));
        return EXIT.ok;
      }),
    );
}

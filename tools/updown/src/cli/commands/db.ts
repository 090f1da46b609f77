import type { Command } from 'commander';
import { drop, fresh } from '../../api';
import { action, type CliState, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import type { Io } from '../output';
import { onTenantsOr, withTenantOptions, type TenantFlags } from '../tenants';
import { withTarget } from '../target';
import type { RunOptions } from '../../types';

export function dbCommands(parent: Command, io: Io, state: CliState): void {
  withTenantOptions(withCommonOptions(parent.command('fresh').description("drop the schema's objects, apply every migration, then every seed")))
    .action(
      action<GlobalFlags & TenantFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, (options, resolved) => {
          const run = (each: RunOptions) => fresh({ ...each, seedsDir: resolved.seedsDir, seedsLayout: resolved.seedsLayout });
          return onTenantsOr({ io, printer, argv: state.argv, flags, source: resolved.source }, options, run, (result) => {
            printer.result(result, 'the schema is empty and there is nothing to apply');
            return result.success ? EXIT.ok : exitCodeOf(result.errors[0]);
          });
        }),
      ),
    );

  withCommonOptions(parent.command('drop').description('drop the schema with everything in it, tracking tables included'))
    .action(
      action<GlobalFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, async (options) => {
          const result = await drop(options);
          if (result.success && !printer.json) printer.logger.info(`dropped schema "${options.schema}" (${result.durationMs} ms)`);
          else printer.result(result, `schema "${options.schema}" dropped`);
          return result.success ? EXIT.ok : exitCodeOf(result.errors[0]);
        }),
      ),
    );
}

import type { Command } from 'commander';
import { drop, fresh } from '../../api';
import { action, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import type { Io } from '../output';
import { withTarget } from '../target';

export function dbCommands(parent: Command, io: Io, state: { code: number }): void {
  withCommonOptions(parent.command('fresh').description("drop the schema's objects, apply every migration, then every seed"))
    .action(
      action<GlobalFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, async (options, resolved) => {
          const result = await fresh({ ...options, seedsDir: resolved.seedsDir, seedsLayout: resolved.seedsLayout });
          printer.result(result, 'the schema is empty and there is nothing to apply');
          return result.success ? EXIT.ok : exitCodeOf(result.errors[0]);
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

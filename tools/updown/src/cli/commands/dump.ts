import path from 'node:path';
import type { Command } from 'commander';
import { findConfig } from '../../config';
import { dump, type DumpResult } from '../../verify';
import { action, type CliState, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import { ERROR_PREFIX, type Io, type Printer } from '../output';
import { withTarget } from '../target';

interface DumpFlags extends GlobalFlags {
  file?: string;
  check?: boolean;
}

/**
 * `db/schema.txt` next to updown.config.ts (else under the current folder), like Rails'
 * db/schema.rb: one obvious place per service. `.txt`, not `.sql`: it describes the schema for
 * people and for `--check`; it is not a script to load (migrations are the only way in).
 */
export function defaultDumpFile(flags: DumpFlags, cwd: string = process.cwd()): string {
  const config = flags.config ? path.resolve(cwd, flags.config) : flags.dir ? undefined : findConfig(cwd);
  return path.join(config ? path.dirname(config) : cwd, 'db', 'schema.txt');
}

function report(io: Io, printer: Printer, result: DumpResult, check: boolean): number {
  const relative = path.relative(process.cwd(), result.file);
  const shown = relative && !relative.startsWith('..') ? relative : result.file;
  if (printer.json) {
    const { success, file, changed, missing, diff } = result;
    const error = result.errors[0] ? { error: { message: result.errors[0].message, type: result.errors[0].name } } : {};
    io.stdout(`${JSON.stringify({ ok: success, file, changed, ...(missing ? { missing } : {}), ...(diff ? { diff } : {}), ...error })}\n`);
  } else if (result.errors.length > 0) {
    for (const error of result.errors) printer.error(error);
  } else if (!check) {
    io.stdout(result.changed ? `wrote ${shown}\n` : `${shown} is up to date\n`);
  } else if (result.missing) {
    io.stderr(`${ERROR_PREFIX} no schema file at ${shown}: run \`updown db dump\` on the migrated database and commit it\n`);
  } else if (result.diff) {
    io.stdout(result.diff);
    io.stderr(
      `${ERROR_PREFIX} the database differs from ${shown}: after a new migration, run \`updown db dump\` and commit the file; ` +
        'if nobody wrote a migration for it, the change was made by hand (undo it, or write a migration)\n',
    );
  } else {
    io.stdout(`${shown} matches the database\n`);
  }
  if (result.errors.length > 0) return exitCodeOf(result.errors[0]);
  return result.success ? EXIT.ok : EXIT.failed;
}

/** `db dump [--file PATH] [--check]`. */
export function dumpCommand(dbCmd: Command, io: Io, state: CliState): void {
  withCommonOptions(dbCmd.command('dump').description('write the schema, as migrated, to a deterministic file for review (default: db/schema.txt next to updown.config.ts)'))
    .option('--file <path>', 'the schema file (default: db/schema.txt next to updown.config.ts)')
    .option('--check', 'write nothing; exit 1 with a diff when the database differs from the file')
    .action(
      action<DumpFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, async (options) => {
          const file = flags.file ? path.resolve(flags.file) : defaultDumpFile(flags);
          return report(io, printer, await dump({ url: options.url, schema: options.schema, file, check: flags.check }), Boolean(flags.check));
        }),
      ),
    );
}

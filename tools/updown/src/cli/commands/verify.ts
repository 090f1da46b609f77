import type { Command } from 'commander';
import { resolveDir } from '../../config';
import { UsageError } from '../../errors';
import { scratchLine, summaryLines, verdictLines, verifyJson } from '../../verify/report';
import { verify, verifySeeds } from '../../verify';
import type { VerifyResult } from '../../verify/types';
import { action, type CliState, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT, exitCodeOf } from '../exit-codes';
import { errorJson, type Io, type Printer } from '../output';
import { checkTenantStates, type CheckReport } from '../tenant-checks';
import { tenantSelection, withTenantOptions, type TenantFlags } from '../tenants';
import { withTarget } from '../target';
import type { ProjectSource } from '../../config';
import type { RunOptions } from '../../types';

interface VerifyFlags extends GlobalFlags, TenantFlags {
  all?: boolean;
  from?: string;
  to?: string;
  inPlace?: boolean;
  migrationsDir?: string;
}

/** A verification's report on one schema: printed, as JSON, its exit code. */
function verifyReport(io: Io, printer: Printer, noun: string, key: 'migrations' | 'seeds'): CheckReport<VerifyResult> {
  return {
    print: (result) => {
      printer.activity(undefined);
      for (const error of result.errors) printer.error(error);
      for (const line of summaryLines(result, noun)) io.stdout(`${line}\n`);
    },
    json: (result) => verifyJson(result, key, errorJson),
    code: (result) => (result.errors.length > 0 ? exitCodeOf(result.errors[0]) : result.success ? EXIT.ok : EXIT.failed),
  };
}

/** On one schema, or once per group of tenants in the same state. */
function verifyOn(io: Io, printer: Printer, flags: VerifyFlags, source: ProjectSource, options: RunOptions, check: (options: RunOptions) => Promise<VerifyResult>, noun: string, key: 'migrations' | 'seeds'): Promise<number> {
  const report = verifyReport(io, printer, noun, key);
  const tenants = tenantSelection(flags, source);
  if (tenants) {
    if (flags.inPlace) throw new UsageError('--in-place runs on the target: with tenants, verify runs on a scratch copy once per tenant state; migrate them with `migrate up --schemas …`');
    return checkTenantStates(io, printer, options, tenants, check, report);
  }
  return check(options).then((result) => {
    if (printer.json) io.stdout(`${JSON.stringify(report.json(result))}\n`);
    else report.print(result);
    return report.code(result);
  });
}

/**
 * Human output as it happens: how the scratch database was made, then one block per file; on a
 * terminal, the file being verified and `n of N` while it takes more than a second.
 */
function progress(io: Io, printer: Printer, noun: string) {
  if (printer.json) return {};
  let names: string[] = [];
  const next = (index: number) => printer.activity(index < names.length ? { verb: 'verifying', name: names[index], index: index + 1, total: names.length } : undefined);
  return {
    onScratch: (scratch: Parameters<typeof scratchLine>[0]) => io.stdout(`${scratchLine(scratch, `${noun}s`)}\n`),
    onPlanned: (planned: string[]) => {
      names = planned;
      next(0);
    },
    onVerdict: (verdict: Parameters<typeof verdictLines>[0]) => {
      printer.activity(undefined);
      io.stdout(`${verdictLines(verdict).join('\n')}\n`);
      next(names.indexOf(verdict.name) + 1);
    },
  };
}

function rangeOptions(command: Command, noun: string): Command {
  return command
    .option('--all', `every ${noun} from the first one, on a database that starts empty`)
    .option('--from <name>', `first ${noun} to verify (inclusive)`)
    .option('--to <name>', `last ${noun} to verify (inclusive)`);
}

/** `migrate verify` and `seed verify`: prove that each down reverses its up, on a scratch database. */
export function verifyCommands(migrateCmd: Command, seedCmd: Command, io: Io, state: CliState): void {
  rangeOptions(
    withTenantOptions(withCommonOptions(
      migrateCmd
        .command('verify')
        .description('prove on a scratch copy of the database that each down reverses its up: up, down, compare the schema, up again (default: the pending migrations)'),
    )),
    'migration',
  )
    .option('--in-place', 'run on the target database itself instead of a scratch copy (it ends migrated, like `migrate up`)')
    .action(
      action<VerifyFlags>(io, state, (flags, printer) =>
        withTarget('migrations', flags, printer, (options, resolved) => {
          const check = (each: RunOptions) => verify({ ...each, all: flags.all, from: flags.from, to: flags.to, inPlace: flags.inPlace, ...progress(io, printer, 'migration') });
          return verifyOn(io, printer, flags, resolved.source, options, check, 'migration', 'migrations');
        }),
      ),
    );

  rangeOptions(
    withTenantOptions(withCommonOptions(
      seedCmd
        .command('verify')
        .description("prove on a scratch copy of the database, every migration applied, that each seed's down removes the rows its up added (default: the pending seeds)"),
    )),
    'seed',
  )
    .option('--migrations-dir <path>', 'the migrations folder (default: from updown.config.ts)')
    .action(
      action<VerifyFlags>(io, state, (flags, printer) =>
        withTarget('seeds', flags, printer, async (options, resolved) => {
          let migrationsDir: string;
          try {
            migrationsDir = resolveDir('migrations', { config: flags.config, dir: flags.migrationsDir });
          } catch (error) {
            throw new UsageError(`seed verify applies the migrations first and cannot find them (${(error as Error).message}): pass --migrations-dir`);
          }
          const check = (each: RunOptions) => verifySeeds({ ...each, migrationsDir, all: flags.all, from: flags.from, to: flags.to, ...progress(io, printer, 'seed') });
          return verifyOn(io, printer, flags, resolved.source, options, check, 'seed', 'seeds');
        }),
      ),
    );
}

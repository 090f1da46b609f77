import { Command, InvalidArgumentError } from 'commander';
import type { CommandFlags } from '../config';
import { UsageError } from '../errors';
import { exitCodeOf } from './exit-codes';
import type { Io, Printer } from './output';
import { HumanPrinter } from './printer-human';
import { JsonPrinter } from './printer-json';

export interface GlobalFlags extends CommandFlags {
  json?: boolean;
}

/** What every action shares: where its exit code goes, and the command line (a fan-out's rerun command repeats it). */
export interface CliState {
  code: number;
  argv: string[];
}

/** The options every command takes (the contract's list), added to a leaf command. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--url <url>', "database URL (default: a sequelize-cli project's config, else DATABASE_URL, else the embedded PostgreSQL of updown.config.ts)")
    .option('--schema <name>', 'schema for the migrated objects and tracking tables (default: DATABASE_SCHEMA, else public); repeated, a list of tenants', collect)
    .option('--dir <path>', "the stream's folder (default: from updown.config.ts)")
    .option('--config <file>', 'updown.config.ts (or a .sequelizerc) to use (default: the nearest one from the current folder upwards)')
    .option('--format <format>', "the files' module shape: updown, sequelize-cli, umzug or sql (default: the stream's own, else updown)")
    .option('--env <name>', 'environment (default: NODE_ENV, else development)')
    .option('--lock-timeout <duration>', 'how long to wait for another runner, e.g. 30s (default: 60s)')
    .option('--ddl-lock-timeout <duration>', "PostgreSQL lock_timeout for each file (default: 5s; a file may export its own `timeouts`)")
    .option('--statement-timeout <duration>', 'PostgreSQL statement_timeout for each file (default: 15m)')
    .option('--lock-retries <n>', 'retries of a file that hit lock_timeout, with backoff (default: 3)', wholeNumber('--lock-retries'))
    .option('--allow-production', 'let a destructive command run against a production database')
    .option('--json', 'print one JSON document on stdout and nothing else there');
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `--schema` is collected as a list: one stays the schema, more are a list of tenants, which only a
 * command that fans out (it has `--schemas`) takes.
 */
function schemaFlags<O extends GlobalFlags>(command: Command, options: O): O {
  const list = options.schema as unknown as string[] | undefined;
  if (!Array.isArray(list)) return options;
  if (list.length === 1) return { ...options, schema: list[0] };
  if (!command.options.some((option) => option.long === '--schemas')) {
    throw new UsageError(`--schema is given ${list.length} times: \`${command.parent?.name()} ${command.name()}\` runs on one schema`);
  }
  return { ...options, schema: undefined, schemaList: list };
}

export function positiveInteger(flag: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`${flag} takes a whole number of 1 or more`);
    return Number(value);
  };
}

function wholeNumber(flag: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number (0 or more)`);
    return Number(value);
  };
}

/**
 * SIGINT/SIGTERM abort the run: the library cancels the running statement and rolls back. A
 * second signal ends the process at once (the server still rolls back on its own).
 */
function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return fn(controller.signal).finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
}

/** A leaf command's body: gets a Printer and returns the exit code. */
export type Action<O> = (options: O & { signal: AbortSignal }, printer: Printer, args: string[]) => Promise<number>;

/** Wraps an action so that every outcome, thrown or returned, ends as an exit code in `state`. */
export function action<O extends GlobalFlags>(io: Io, state: CliState, body: Action<O>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const given = command.opts<O>();
    const printer: Printer = given.json ? new JsonPrinter(io) : new HumanPrinter(io);
    try {
      const options = schemaFlags(command, given);
      state.code = await withSignals((signal) => body({ ...options, signal }, printer, command.args));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      printer.error(failure);
      state.code = exitCodeOf(failure);
    }
  };
}

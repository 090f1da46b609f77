/**
 * The CLI side of tenant fan-out: the flags (`--schemas`, `--schemas-from`, `--tenants`, repeated
 * `--schema`, `--concurrency`, `--fail-fast`), the checks of their combinations, and the one
 * function every fanned-out command goes through (select, run, print, exit code).
 */
import type { Command } from 'commander';
import { maskUrl } from '../connection';
import { UsageError } from '../errors';
import { forEachTenant } from '../tenants';
import type { FanoutResult, TenantSelection } from '../tenants/types';
import type { ProjectSource } from '../config';
import type { RunOptions, RunResult } from '../types';
import { positiveInteger } from './common';
import { tenantExitCode } from './exit-codes';
import type { Io, Printer } from './output';
import { tenantPrinter } from './tenant-output';

export interface TenantFlags {
  schemas?: string;
  schemasFrom?: string;
  tenants?: boolean;
  concurrency?: number;
  failFast?: boolean;
  /** Repeated `--schema` (cli/common.ts keeps a list only when there is more than one). */
  schemaList?: string[];
  schema?: string;
}

/** The options of a command that can run on many tenants. */
export function withTenantOptions(command: Command): Command {
  return command
    .option('--schemas <pattern>', "every existing schema matching this SQL LIKE pattern, one tenant each, e.g. 'tenant\\_%'")
    .option('--schemas-from <sql>', 'the tenant schemas: the first (text) column of this query on the target, e.g. "SELECT schema_name FROM tenants"')
    .option('--tenants', "the tenant schemas that updown.config.ts's `tenants` function returns")
    .option('--concurrency <n>', "tenants at a time (default: from the server's free connections and the CPUs)", positiveInteger('--concurrency'))
    .option('--fail-fast', 'start no further tenant once one has failed or been refused');
}

function configTenants(source: ProjectSource): TenantSelection | undefined {
  if (source.kind !== 'updown') return undefined;
  const { tenants } = source.loaded.config;
  return tenants ? { kind: 'config', tenants, file: source.loaded.file } : undefined;
}

/** Which tenants the flags select, or undefined for a run on one schema. Refuses contradictory flags. */
export function tenantSelection(flags: TenantFlags, source: ProjectSource): TenantSelection | undefined {
  const given = [flags.schemas !== undefined && '--schemas', flags.schemasFrom !== undefined && '--schemas-from', flags.tenants && '--tenants'].filter(
    (flag): flag is string => typeof flag === 'string',
  );
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} both choose the tenants: give one of them`);
  const list = flags.schemaList;
  if (given.length === 1 && (list || flags.schema !== undefined)) {
    throw new UsageError(`${given[0]} and --schema both choose the schemas: use ${given[0]} for a set of tenants, or repeat --schema for a list`);
  }
  if (given.length === 0 && !list) {
    if (flags.concurrency !== undefined || flags.failFast) throw new UsageError('--concurrency and --fail-fast apply to many tenants: add --schemas, --schemas-from, --tenants or more than one --schema');
    return undefined;
  }
  if (flags.schemas !== undefined) return { kind: 'pattern', pattern: flags.schemas };
  if (flags.schemasFrom !== undefined) return { kind: 'query', sql: flags.schemasFrom };
  if (flags.tenants) {
    const selection = configTenants(source);
    if (!selection) throw new UsageError('--tenants needs a `tenants` function in updown.config.ts (export default { tenants: async ({ query }) => [...] }): none was found');
    return selection;
  }
  return { kind: 'list', schemas: list! };
}

const SELECTION_FLAGS = new Set(['--schemas', '--schemas-from', '--schema']);

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** The command line again, for the tenants that did not finish: the same flags, `--schema` each, the URL masked. */
export function rerunCommand(argv: string[], schemas: string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag] = arg.split('=', 1) as [string];
    if (arg === '--tenants') continue;
    if (SELECTION_FLAGS.has(flag)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    if (flag === '--url') {
      const value = arg.includes('=') ? arg.slice('--url='.length) : argv[++i];
      kept.push('--url', maskUrl(value ?? ''));
      continue;
    }
    kept.push(arg);
  }
  return ['updown', ...kept, ...schemas.flatMap((schema) => ['--schema', schema])].map(shellQuote).join(' ');
}

export interface FanoutCommand {
  io: Io;
  printer: Printer;
  argv: string[];
  flags: TenantFlags & { signal?: AbortSignal };
}

/** Runs `command` on every selected tenant, prints as it goes and at the end, and returns the exit code. */
export async function fanOutCommand(
  { io, printer, argv, flags }: FanoutCommand,
  options: RunOptions,
  tenants: TenantSelection,
  command: (options: RunOptions) => Promise<RunResult>,
): Promise<number> {
  const out = tenantPrinter(io, printer.json, printer.logger);
  const result: FanoutResult = await forEachTenant(
    { ...options, onExecuted: undefined, onStarted: undefined, onLockWait: undefined },
    {
      tenants,
      concurrency: flags.concurrency,
      failFast: flags.failFast,
      signal: flags.signal,
      onSelected: out.selected,
      onTenantStart: out.tenantStart,
      onTenantEnd: out.tenantEnd,
    },
    command,
    (schema) => ({ logger: out.logger(schema) }),
  );
  const unfinished = result.tenants.filter((tenant) => tenant.state !== 'done').map((tenant) => tenant.schema);
  out.result(result, unfinished.length > 0 ? rerunCommand(argv, unfinished) : undefined);
  return tenantExitCode(result);
}

/**
 * A command that can fan out: on the selected tenants when the flags select some, else on the one
 * schema, its result printed by `single`.
 */
export async function onTenantsOr(
  context: FanoutCommand & { source: ProjectSource },
  options: RunOptions,
  command: (options: RunOptions) => Promise<RunResult>,
  single: (result: RunResult) => number,
): Promise<number> {
  const tenants = tenantSelection(context.flags, context.source);
  if (!tenants) return single(await command(options));
  if ((context.flags as { dryRun?: boolean }).dryRun) throw new UsageError('--dry-run previews one schema: choose it with --schema');
  return fanOutCommand(context, options, tenants, command);
}

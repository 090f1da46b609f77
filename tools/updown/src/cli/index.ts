import { Command, CommanderError } from 'commander';
import type { CliState } from './common';
import { EXIT } from './exit-codes';
import { addHelp } from './help';
import { divertStdout, wantsJson } from './json-stdout';
import { UsageError } from '../errors';
import type { Io } from './output';
import { JsonPrinter } from './printer-json';
import { silencePgOverlapWarning } from './quiet';

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
};

/** The package's version: two folders up from src/cli and dist/cli (the bundle reads it in at build time). */
function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The commands, and through them the library, load only when a command is parsed: `--version`
 * answers without them (about 50 ms less per process, the figure a deploy step feels).
 */
function commands(): {
  adoptCommand: typeof import('./commands/adopt').adoptCommand;
  dbCommands: typeof import('./commands/db').dbCommands;
  dumpCommand: typeof import('./commands/dump').dumpCommand;
  lintCommand: typeof import('./commands/lint').lintCommand;
  streamCommands: typeof import('./commands/stream').streamCommands;
  verifyCommands: typeof import('./commands/verify').verifyCommands;
} {
  return {
    ...(require('./commands/adopt') as typeof import('./commands/adopt')),
    ...(require('./commands/db') as typeof import('./commands/db')),
    ...(require('./commands/dump') as typeof import('./commands/dump')),
    ...(require('./commands/lint') as typeof import('./commands/lint')),
    ...(require('./commands/stream') as typeof import('./commands/stream')),
    ...(require('./commands/verify') as typeof import('./commands/verify')),
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

const VERSION_FLAGS = new Set(['-v', '--version']);

function program(io: Io, state: CliState): Command {
  const { adoptCommand, dbCommands, dumpCommand, lintCommand, streamCommands, verifyCommands } = commands();
  const root = new Command('updown')
    .description('Safe, reversible up/down migrations for PostgreSQL')
    .version(packageVersion(), '-v, --version', 'print the version of updown')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const migrate = root.command('migrate').description('schema migrations (tracked in SequelizeMeta)');
  const seed = root.command('seed').description('seed data (tracked in SequelizeData)');
  const db = root.command('db').description('the whole schema');
  streamCommands(migrate, 'migrations', io, state);
  streamCommands(seed, 'seeds', io, state);
  dbCommands(db, io, state);
  verifyCommands(migrate, seed, io, state);
  lintCommand(migrate, io, state);
  dumpCommand(db, io, state);
  adoptCommand(root, io, state);
  addHelp(root);
  return root;
}

/**
 * Runs the CLI in-process and returns the exit code (0 done, 1 failed, 2 refused, 3 lock
 * timeout, 4 cannot connect, 130/143 interrupted). Never calls process.exit, except on a second
 * SIGINT/SIGTERM, when the user insists on stopping now.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // With --json, what migrations print goes to stderr (cli/json-stdout.ts; bin/updown.js also moves fd 1).
  const diverted = wantsJson(argv) ? divertStdout() : undefined;
  const out = diverted && io === processIo ? { ...io, stdout: diverted.write } : io;
  try {
    return await run(argv, out);
  } finally {
    diverted?.restore();
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  if (argv.length === 1 && VERSION_FLAGS.has(argv[0]!)) {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const state: CliState = { code: EXIT.ok, argv };
  silencePgOverlapWarning();
  try {
    await program(io, state).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return EXIT.ok;
    // Commander already said it on stderr; --json still promises one document on stdout.
    if (wantsJson(argv)) new JsonPrinter(io).error(new UsageError(error.message.replace(/^error: /, '')));
    return EXIT.refused;
  }
  return state.code;
}

/**
 * What `updown <group> <command> --help` prints after the options: examples to copy, and the exit
 * codes that command can end with (the contract's table, cli/exit-codes.ts). Kept apart from the
 * command files so that every command gets the same shape, and one test can walk them all.
 */
import type { Command } from 'commander';
import { EXIT } from './exit-codes';

/** The examples of each leaf command, by its path (`migrate up`). */
const EXAMPLES: Record<string, string[]> = {
  'migrate up': [
    'updown migrate up                                  # every pending migration',
    'updown migrate up --step 1                         # only the next one',
    'updown migrate up --to 20250303045013-addUsers     # up to and including it (already applied: nothing to do)',
    'updown migrate up --dry-run                        # print the SQL, change nothing',
    'updown migrate up --json --url "$DATABASE_URL"     # one JSON document on stdout, for scripts',
  ],
  'migrate down': [
    'updown migrate down                                # the last applied migration',
    'updown migrate down --step 3',
    'updown migrate down --to 20250303045013-addUsers   # everything after it, and it',
    'updown migrate down --all',
  ],
  'migrate redo': ['updown migrate redo            # down, then up again, for the last one', 'updown migrate redo --step 2'],
  'migrate status': ['updown migrate status', 'updown migrate status --check     # in CI: exit 1 when anything is pending, invalid or wrong', 'updown migrate status --json'],
  'migrate repair': ['updown migrate repair --accept 20250303045013-addUsers   # accept an edit, clear a failed mark, or forget a missing file'],
  'migrate create': ['updown migrate create addStripeCustomerIdToOrganizations', 'updown migrate create addOrganizationIndexes --change   # a reversible change()'],
  'migrate verify': [
    'updown migrate verify            # the pending migrations, on a scratch copy',
    'updown migrate verify --all      # every migration, from an empty database',
    'updown migrate verify --from 20250303045013-addUsers --to 20250316090200-addRoles',
  ],
  'seed up': ['updown seed up', 'updown seed up --env test'],
  'seed down': ['updown seed down', 'updown seed down --all'],
  'seed redo': ['updown seed redo'],
  'seed status': ['updown seed status', 'updown seed status --check'],
  'seed repair': ['updown seed repair --accept 20250316090200-adminUser'],
  'seed run': ['updown seed run 20250316090200-adminUser   # names: `updown seed status`'],
  'seed create': ['updown seed create createAdminUser'],
  'seed verify': ['updown seed verify', 'updown seed verify --all'],
  'db fresh': ['updown db fresh                 # drop the schema\'s objects, migrate up, seed up', 'updown db fresh --schema demo'],
  'db drop': ['updown db drop --schema demo'],
  'db dump': ['updown db dump                  # write db/schema.txt', 'updown db dump --check          # in CI: exit 1 with a diff when the database differs'],
  'updown adopt': ['cd my-sequelize-cli-project && updown adopt   # what updown reads there; writes nothing'],
};

type Code = keyof typeof EXIT;
const MEANING: Record<Code, string> = {
  ok: 'done (also: nothing to do)',
  failed: 'a file failed: its transaction was rolled back',
  refused: 'refused before anything ran: bad usage or input, an irreversible, unwritten, edited or missing file, a production guard',
  lockTimeout: 'another runner held the lock longer than --lock-timeout',
  cannotConnect: 'cannot connect to the database (after bounded retries)',
  interrupted: 'interrupted by SIGINT (Ctrl-C): the running file rolled back, the lock released',
  terminated: 'interrupted by SIGTERM: the same',
};

/** Commands that change nothing in the database, or read only; their codes differ a little. */
const CHECKING: Record<string, string> = {
  'migrate status': 'with --check: something is pending, invalid, edited, missing or failed',
  'seed status': 'with --check: something is pending, invalid, edited, missing or failed',
  'migrate verify': 'a down does not reverse its up (or a file failed)',
  'seed verify': "a seed's down does not remove what its up added (or a seed failed)",
  'db dump': 'with --check: the database differs from the file, or there is no file',
  '': 'a file failed (rolled back), or a check found something: status --check, verify, db dump --check',
};
const OFFLINE = new Set(['migrate create', 'seed create']);

function exitCodes(path: string): string[] {
  const codes: Code[] = OFFLINE.has(path) ? ['ok', 'refused'] : ['ok', 'failed', 'refused', 'lockTimeout', 'cannotConnect', 'interrupted', 'terminated'];
  return codes.map((code) => {
    if (code === 'refused' && OFFLINE.has(path)) return `  ${String(EXIT[code]).padStart(3)}  refused: the name is not a plain identifier, or another file has it; nothing was written`;
    const meaning = code === 'failed' && CHECKING[path] !== undefined ? CHECKING[path] : MEANING[code];
    return `  ${String(EXIT[code]).padStart(3)}  ${meaning}`;
  });
}

/** The text after a leaf command's options. */
export function helpAfter(path: string): string {
  // A command without its own examples (yet) still shows how it is typed.
  const examples = EXAMPLES[path] ?? [`updown ${path.replace(/^updown /, '')}`];
  return ['', 'Examples:', ...examples.map((line) => `  $ ${line}`), '', 'Exit codes:', ...exitCodes(path)].join('\n');
}

/** The path of a command below the program (`migrate up`; `updown adopt` for a top-level one). */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.length === 2 ? names.join(' ') : names.slice(1).join(' ');
}

/** Adds examples and exit codes to every leaf command of `root`. */
export function addHelp(root: Command): void {
  const visit = (command: Command) => {
    if (command.commands.length === 0) command.addHelpText('after', helpAfter(pathOf(command)));
    for (const child of command.commands) visit(child);
  };
  for (const child of root.commands) visit(child);
  root.addHelpText('after', ['', 'Examples:', '  $ updown migrate up --help', '  $ updown migrate status --check', '', 'Exit codes:', ...exitCodes('')].join('\n'));
}

#!/usr/bin/env node
'use strict';
// The compiled CLI from the npm package; in a checkout of updown, its TypeScript source (entry.js).

// `--version` answers before anything loads (dotenv, the CLI): a deploy script's check costs a bare node start.
if (process.argv.length === 3 && ['--version', '-v'].includes(process.argv[2])) {
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
}
require('dotenv').config({ quiet: true });
const load = require('../entry.js');
const { inheritedJsonIo, runJsonChild, wantsJson } = load('cli/json-stdout');

const argv = process.argv.slice(2);

/** `--json` runs updown in a child whose fd 1 is stderr, so nothing a migration prints reaches stdout (src/cli/json-stdout.ts). */
function run() {
  const io = inheritedJsonIo();
  if (!io && wantsJson(argv)) return runJsonChild(__filename, argv);
  return load('cli/index').main(argv, io);
}

// A reader that stops early (`updown migrate status | head -1`) closes the pipe: the rest of the
// output is dropped and the command runs to its end, so no migration is cut short by it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// A migration that forgets an `await` can leave a promise that rejects later: updown has already
// failed that file (watch.ts); the late rejection must not crash the process with a stack trace.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`warning: a query was left running and failed later: ${reason && reason.message ? reason.message : reason}\n`);
});

/**
 * updown has closed everything it opened when main() resolves. What can still hold the process is
 * a migration's own: a timer, a socket, or (after SIGINT/SIGTERM) the file stuck in an `await`
 * that never resolves, which was rolled back and let go. Once the output has drained, the
 * process ends with its code instead of waiting for it.
 */
function exitSoon(code) {
  process.exitCode = code;
  const drained = () => process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  setTimeout(drained, 250).unref();
}

run().then(
  (code) => {
    exitSoon(code);
  },
  (error) => {
    process.stderr.write(`error: unexpected: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

#!/usr/bin/env node
'use strict';
// The CLI runs its TypeScript source directly, like the migrations it loads (SWC, cached on disk:
// no type-checking, no build step).
require('../src/typescript.js').registerTypeScript();
require('dotenv').config({ quiet: true });
const { main } = require('../src/cli/index.ts');

// A migration that forgets an `await` can leave a promise that rejects later: updown has already
// failed that file (watch.ts); the late rejection must not crash the process with a stack trace.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`updown: a query was left running and failed later: ${reason && reason.message ? reason.message : reason}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`updown: unexpected error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

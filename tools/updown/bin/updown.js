#!/usr/bin/env node
'use strict';
// The compiled CLI from the npm package; in a checkout of updown, its TypeScript source (entry.js).
require('dotenv').config({ quiet: true });
const { main } = require('../entry.js')('cli/index');

// A migration that forgets an `await` can leave a promise that rejects later: updown has already
// failed that file (watch.ts); the late rejection must not crash the process with a stack trace.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`warning: a query was left running and failed later: ${reason && reason.message ? reason.message : reason}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: unexpected: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

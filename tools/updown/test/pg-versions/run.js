#!/usr/bin/env node
'use strict';
// Entry of `make test-pg-versions` (main.ts): TypeScript loaded through updown's own SWC hook.
require('../../src/typescript.js').registerTypeScript();

require('./main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`pg-versions: ${error && error.stack ? error.stack : error}\n`);
      process.exitCode = 1;
    },
  );

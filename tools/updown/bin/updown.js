#!/usr/bin/env node
'use strict';
// The CLI runs its TypeScript source directly, like the migrations it loads (ts-node + SWC: no
// type-checking, no build step).
require('ts-node').register({ swc: true, transpileOnly: true, compilerOptions: { module: 'commonjs' } });
require('dotenv').config({ quiet: true });
const { main } = require('../src/cli/index.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`updown: unexpected error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

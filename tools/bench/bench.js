#!/usr/bin/env node
'use strict';
// `make bench`: updown measured against the psql floor. TypeScript loaded the way the updown CLI
// loads it (its SWC hook; ts-node with SWC for an engine without one), so `--trace …` (the
// in-process statement counter, src/trace.ts) starts like the CLI does.
const fs = require('node:fs');
const path = require('node:path');

const hook = path.join(__dirname, '../updown/src/typescript.js');
if (fs.existsSync(hook)) require(hook).registerTypeScript();
else require('ts-node').register({ swc: true, transpileOnly: true, compilerOptions: { module: 'commonjs' } });

const [mode, ...rest] = process.argv.slice(2);
const work =
  mode === '--trace'
    ? require('./src/trace.ts').trace(rest).then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    : require('./src/main.ts').main(process.argv.slice(2));

work.then(
  (code) => {
    process.exitCode = typeof code === 'number' ? code : 0;
  },
  (error) => {
    process.stderr.write(`bench: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

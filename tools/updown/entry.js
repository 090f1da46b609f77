'use strict';
/**
 * Loads one of updown's modules by its path under src/ (e.g. 'testing/jest'): the compiled
 * dist/ in the npm package, which ships no src/; the TypeScript source in a checkout of updown,
 * through the SWC hook. So a checkout never runs a build made from older source (dist/ there is only
 * what `npm pack` built), and needs no build step before its tests or Make targets.
 */
const fs = require('node:fs');
const path = require('node:path');

// UPDOWN_FROM=dist runs the compiled build in a checkout too (`make bench` measures what users run).
const fromSource = process.env.UPDOWN_FROM !== 'dist' && fs.existsSync(path.join(__dirname, 'src', 'index.ts'));
if (fromSource) require('./src/typescript.js').registerTypeScript();

module.exports = function load(name) {
  // dist/updown.js holds every compiled module (scripts/bundle.js): one file to read, not 150.
  return fromSource ? require(`./src/${name}.ts`) : require('./dist/updown.js').load(name);
};

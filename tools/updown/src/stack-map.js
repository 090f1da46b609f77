'use strict';
/**
 * Stack traces through migrations, seeds and the config point at their TypeScript lines, with the
 * source map read only when a stack names the file. Node's own source-map support
 * (`process.setSourceMapsEnabled`) decodes and parses every inline map as its module loads: about
 * a tenth of loading 300 migrations, paid on every run for a stack that is rarely printed.
 * Plain JavaScript, beside the SWC hook (typescript.js) that needs it.
 */
const { SourceMap } = require('node:module');

/** Compiled file → its generated code, whose inline map is parsed on the first stack that names it. */
const compiled = new Map();
/** Compiled file → its parsed map (null: none could be read). */
const parsed = new Map();

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

function mapOf(file) {
  if (parsed.has(file)) return parsed.get(file);
  let map = null;
  const match = INLINE_MAP.exec(compiled.get(file));
  try {
    if (match) map = new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')));
  } catch {
    // a map that cannot be read leaves the generated position
  }
  parsed.set(file, map);
  return map;
}

/** One frame as V8 prints it, with a compiled file's position moved to its TypeScript line. */
function frameText(site) {
  const text = String(site);
  const file = site.getFileName();
  if (!file || !compiled.has(file)) return text;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const entry = line && column ? mapOf(file)?.findEntry(line - 1, column - 1) : undefined;
  if (!entry || entry.originalLine === undefined) return text;
  return text.replace(`${file}:${line}:${column}`, `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

function headerOf(error) {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/** Node's own formatter (Node 20 installs one named so), or none: nobody else formats stacks. */
const nodeDefault = (format) => format === undefined || format.name === 'ErrorPrepareStackTrace';

/**
 * Formats stacks as V8 does, mapping the compiled files' frames. When something else formats them
 * already (source-map-support, Node's `--enable-source-maps`), Node's own source maps do it, as
 * they read every map up front.
 */
function install() {
  if (!nodeDefault(Error.prepareStackTrace) || process.sourceMapsEnabled) {
    process.setSourceMapsEnabled(true);
    return;
  }
  Error.prepareStackTrace = (error, sites) => [headerOf(error), ...sites.map((site) => `    at ${frameText(site)}`)].join('\n');
}

/** Records a compiled file (its code is held by V8 as the module's source anyway). */
function remember(file, code) {
  compiled.set(file, code);
  parsed.delete(file);
}

module.exports = { install, remember };

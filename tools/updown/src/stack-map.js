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

/** A compiled file's frame as V8 prints it, moved to its TypeScript line; any other frame as it is. */
function mappedSite(site) {
  const file = site.getFileName();
  if (!file || !compiled.has(file)) return site;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  const entry = line && column ? mapOf(file)?.findEntry(line - 1, column - 1) : undefined;
  if (!entry || entry.originalLine === undefined) return site;
  const text = String(site).replace(`${file}:${line}:${column}`, `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
  return { toString: () => text };
}

/**
 * Node's formatter (Node 20 installs one by that name), which joins the frames as text and keeps
 * what only it knows (the `[ERR_…]` code of Node's own errors). Anything else formats stacks its own
 * way (source-map-support, an older Node), and is left to it.
 */
const isNodeFormatter = (format) => typeof format === 'function' && format.name === 'ErrorPrepareStackTrace';

/**
 * Hands Node's formatter the frames with the compiled files' positions mapped. When it is not
 * Node's formatter, or Node's own source maps are on (`--enable-source-maps`), Node's source maps
 * do it, as they read every map up front.
 */
function install() {
  const format = Error.prepareStackTrace;
  if (!isNodeFormatter(format) || process.sourceMapsEnabled) {
    process.setSourceMapsEnabled(true);
    return;
  }
  Error.prepareStackTrace = (error, sites) => format(error, sites.map(mappedSite));
}

/** Records a compiled file (its code is held by V8 as the module's source anyway). */
function remember(file, code) {
  compiled.set(file, code);
  parsed.delete(file);
}

module.exports = { install, remember };

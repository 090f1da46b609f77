'use strict';
/**
 * Migrations, seeds, the config file and updown's own source are TypeScript loaded with no build
 * step. SWC transpiles each file (no type-checking) and the result is cached on disk by content,
 * so a warm start reads JavaScript. Measured: ts-node's register alone loads the TypeScript
 * compiler (about 0.25 s and 60 MB per process) even in SWC mode; this hook does not.
 * Plain JavaScript, because bin/updown.js needs it before any TypeScript can load.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const CACHE_FORMAT = 1;
let cacheDir;
let swcVersion;

/** The cache's name for a source, without extension: `.js` holds SWC's output, `.v8` V8's code cache of it. */
function cacheBase(source, filename) {
  if (!cacheDir) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
    cacheDir = path.join(os.tmpdir(), `updown-swc-${uid}`);
    try {
      fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    } catch {
      // A read-only temporary folder: every file is compiled each time (reads and writes below fail quietly).
    }
    swcVersion = require('@swc/core/package.json').version;
  }
  const key = createHash('sha256').update(`${CACHE_FORMAT}\0${swcVersion}\0${filename}\0${source}`).digest('hex');
  return path.join(cacheDir, key);
}

/** Written whole, then renamed: a concurrent reader never sees half a file. A cache we cannot write only costs time. */
function writeWhole(file, data) {
  const partial = `${file}.${process.pid}`;
  try {
    fs.writeFileSync(partial, data, { mode: 0o600 });
    fs.renameSync(partial, file);
  } catch {
    forget(partial);
  }
}

/** Removes a cache file if it can; one left behind only costs time. */
function forget(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // not ours to remove, or no folder
  }
}

/**
 * SWC's report in one line, "Expected ',', got '}' (line 5)": its snippet and native backtrace
 * say nothing more to a migration's author and bury the message.
 */
function describeSwcError(error) {
  // eslint-disable-next-line no-control-regex
  const text = String((error && error.message) || error).replace(/\u001b\[[0-9;]*m/g, '').split(/\n\s*\nCaused by:/)[0];
  const lines = text.split('\n');
  const stated = lines.map((line) => /^\s*[x×]\s+(.+)$/.exec(line)).find(Boolean);
  const message = stated ? stated[1] : (lines.find((line) => line.trim()) || 'syntax error').trim();
  const caret = lines.findIndex((line) => /^\s*:\s*\^/.test(line));
  const at = caret > 0 ? /^\s*(\d+)\s*\|/.exec(lines[caret - 1]) : null;
  return at ? `${message} (line ${at[1]})` : message;
}

function compile(source, filename) {
  return compileCached(source, filename).code;
}

/** SWC's output for a source, and where the cache keeps what belongs to it. */
function compileCached(source, filename) {
  const base = cacheBase(source, filename);
  try {
    return { code: fs.readFileSync(`${base}.js`, 'utf8'), base };
  } catch {
    // not cached yet
  }
  let code;
  try {
    ({ code } = require('@swc/core').transformSync(source, {
      filename,
      sourceMaps: 'inline',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }));
  } catch (error) {
    throw new SyntaxError(describeSwcError(error), { cause: error });
  }
  writeWhole(`${base}.js`, code);
  return { code, base };
}

/** The hook registerTypeScript installs, once it has; requireFile runs only then, and maps stacks as it does. */
let hook;
let remember;

/** Lets `require` load `.ts`; does nothing when the host already can (Jest, ts-node, tsx). */
function registerTypeScript() {
  // Inside Jest, `require.extensions` is absent or empty and Jest's own transform loads `.ts`.
  const extensions = require.extensions;
  if (!extensions || Object.keys(extensions).length === 0 || extensions['.ts']) return;
  // Stack traces then point at the TypeScript lines, the inline maps read only when a stack is printed.
  const stacks = require('./stack-map.js');
  stacks.install();
  remember = stacks.remember;
  hook = (source, filename) => {
    const code = compile(source, filename);
    remember(filename, code);
    return code;
  };
  require('pirates').addHook(hook, { exts: ['.ts'], ignoreNodeModules: false });
}

/** The parameters Node's CommonJS loader gives a module's code. */
const WRAPPER = ['exports', 'require', 'module', '__filename', '__dirname'];

/** What listed files are required from: updown's module (in the bundle, `module` is the bundler's stand-in). */
const parentModule = Module._cache[__filename] || module;

/**
 * Packages that listed files required, by folder and name: the module each resolved to and what
 * `require` returned. Node resolves a package again at every `require` (measured: 30–70 µs each,
 * stat calls and package.json reads), and 1,000 migrations that each require 'sequelize' paid it
 * 1,000 times. An entry holds while require's cache holds the same module; what `require`
 * returned is kept as it was (a hook on require, an APM's, may have wrapped it).
 */
const requiredInFolder = new Map();

/** `module.require` for a listed file: a package required from its folder before comes back as it did then. */
function requireFrom(mod, id) {
  const bare = typeof id === 'string' && !id.startsWith('.') && !path.isAbsolute(id) && !Module.isBuiltin(id);
  if (!bare) return Module.prototype.require.call(mod, id);
  const key = `${mod.path}\0${id}`;
  const known = requiredInFolder.get(key);
  if (known && Module._cache[known.filename] === known.module) {
    if (!mod.children.includes(known.module)) mod.children.push(known.module);
    return known.exports;
  }
  const filename = Module._resolveFilename(id, mod, false);
  const exports = Module.prototype.require.call(mod, id);
  const loaded = Module._cache[filename];
  if (loaded && loaded.loaded) requiredInFolder.set(key, { filename, module: loaded, exports });
  return exports;
}

/** The `require` a module's code receives, as Node makes it (require.resolve, .cache, .main, .extensions). */
function requireFunction(mod) {
  const moduleRequire = (id) => mod.require(id);
  moduleRequire.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  moduleRequire.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  moduleRequire.main = require.main;
  moduleRequire.extensions = Module._extensions;
  moduleRequire.cache = Module._cache;
  return moduleRequire;
}

/** `--enable-source-maps` (or process.setSourceMapsEnabled): `process.sourceMapsEnabled` says so from Node 20.7. */
const nodeMapsStacks = () =>
  process.sourceMapsEnabled ?? /--enable-source-maps/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS || ''}`);

/**
 * Runs SWC's output as the module's code, with V8's code cache of it kept beside it: compiling
 * 1,000 migrations' code cost about a third of loading them. V8 rejects a cache made by another
 * V8 or with other flags (it is then made anew), but checks only the length of the code it was
 * made for, not its text: the cache is found by the source's hash, as SWC's output is.
 */
function runCompiled(mod, code, base) {
  // Node maps stack frames itself only for code its loader compiled (it reads the inline map then).
  if (nodeMapsStacks()) return mod._compile(code, mod.filename);
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${base}.v8`);
  } catch {
    // not cached yet
  }
  const fn = vm.compileFunction(code, WRAPPER, { filename: mod.filename, cachedData, produceCachedData: cachedData === undefined });
  if (cachedData === undefined && fn.cachedDataProduced) writeWhole(`${base}.v8`, fn.cachedData);
  else if (cachedData !== undefined && fn.cachedDataRejected) forget(`${base}.v8`);
  fn.call(mod.exports, mod.exports, requireFunction(mod), mod, mod.filename, mod.path);
}

/**
 * `require(filename)` for a migration or seed whose path the caller has listed: with the hook
 * registered, a `.ts` file is compiled and run as a CommonJS module at once, without the path
 * resolution and the extension hooks `require` goes through for each file (measured: a third of
 * loading 300 migrations), with V8's code cache, and with the packages it requires resolved once
 * per folder. Anything else, or under a host that loads `.ts` itself, is required.
 */
function requireFile(filename) {
  if (!hook || path.extname(filename) !== '.ts') return require(filename);
  const cached = Module._cache[filename];
  if (cached) return cached.exports;
  const loaded = new Module(filename, parentModule);
  loaded.filename = filename;
  loaded.paths = Module._nodeModulePaths(loaded.path);
  loaded.require = function require(id) {
    return requireFrom(this, id);
  };
  // In the cache while it runs, as require does, so that a cycle back to it finds it.
  Module._cache[filename] = loaded;
  try {
    const { code, base } = compileCached(fs.readFileSync(filename, 'utf8'), filename);
    remember(filename, code);
    runCompiled(loaded, code, base);
  } catch (error) {
    delete Module._cache[filename];
    throw error;
  }
  loaded.loaded = true;
  return loaded.exports;
}

module.exports = { registerTypeScript, requireFile, compile, describeSwcError };

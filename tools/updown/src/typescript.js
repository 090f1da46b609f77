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

const CACHE_FORMAT = 1;
let cacheDir;
let swcVersion;

function cachePath(source, filename) {
  if (!cacheDir) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
    cacheDir = path.join(os.tmpdir(), `updown-swc-${uid}`);
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    swcVersion = require('@swc/core/package.json').version;
  }
  const key = createHash('sha256').update(`${CACHE_FORMAT}\0${swcVersion}\0${filename}\0${source}`).digest('hex');
  return path.join(cacheDir, `${key}.js`);
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
  const cached = cachePath(source, filename);
  try {
    return fs.readFileSync(cached, 'utf8');
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
  // Written whole, then renamed: a concurrent reader never sees half a file.
  const partial = `${cached}.${process.pid}`;
  try {
    fs.writeFileSync(partial, code, { mode: 0o600 });
    fs.renameSync(partial, cached);
  } catch {
    // a cache we cannot write only costs time
  }
  return code;
}

/** The hook registerTypeScript installs, once it has (requireFile uses it too). */
let hook;

/** Lets `require` load `.ts`; does nothing when the host already can (Jest, ts-node, tsx). */
function registerTypeScript() {
  // Inside Jest, `require.extensions` is absent or empty and Jest's own transform loads `.ts`.
  const extensions = require.extensions;
  if (!extensions || Object.keys(extensions).length === 0 || extensions['.ts']) return;
  // Stack traces then point at the TypeScript lines, the inline maps read only when a stack is printed.
  const stacks = require('./stack-map.js');
  stacks.install();
  hook = (source, filename) => {
    const code = compile(source, filename);
    stacks.remember(filename, code);
    return code;
  };
  require('pirates').addHook(hook, { exts: ['.ts'], ignoreNodeModules: false });
}

/**
 * `require(filename)` for a migration or seed whose path the caller has listed: with the hook
 * registered, a `.ts` file is compiled and run as a CommonJS module at once, without the path
 * resolution and the extension hooks `require` goes through for each file (measured: a third of
 * loading 300 migrations). Anything else, or under a host that loads `.ts` itself, is required.
 */
function requireFile(filename) {
  if (!hook || path.extname(filename) !== '.ts') return require(filename);
  const cached = Module._cache[filename];
  if (cached) return cached.exports;
  const loaded = new Module(filename, module);
  loaded.filename = filename;
  loaded.paths = Module._nodeModulePaths(path.dirname(filename));
  // In the cache while it runs, as require does, so that a cycle back to it finds it.
  Module._cache[filename] = loaded;
  try {
    loaded._compile(hook(fs.readFileSync(filename, 'utf8'), filename), filename);
  } catch (error) {
    delete Module._cache[filename];
    throw error;
  }
  loaded.loaded = true;
  return loaded.exports;
}

module.exports = { registerTypeScript, requireFile, compile, describeSwcError };

/**
 * Umzug's engine without its command-line parser. Umzug's class file requires its CLI module for
 * `getCli()`, which updown never calls, and that module loads @rushstack/ts-command-line: about
 * 100 ms of every process that runs a file, a third of what `up` with a few pending files costs
 * beyond node's own start. So the CLI module is put in require's cache as a stand-in that loads the
 * real one the first time anything reads from it: a program that uses Umzug's CLI in the same
 * process still gets it, only later.
 */
import Module from 'node:module';
import type { RerunBehavior as RerunBehaviorType, Umzug as UmzugType } from 'umzug';

/* eslint-disable @typescript-eslint/no-require-imports */
function deferUmzugCli(): void {
  const file = require.resolve('umzug/lib/cli');
  // Under Jest (its own module registry) or once loaded, there is nothing to defer.
  if (require.cache[file] || typeof Module !== 'function') return;
  let real: object | undefined;
  const load = (): object => {
    if (!real) {
      delete require.cache[file];
      real = require(file) as object;
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(load(), key),
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        // A proxy may not report a property as non-configurable when its own target lacks it.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[file] = standIn;
}

export function loadUmzug(): { Umzug: typeof UmzugType; RerunBehavior: typeof RerunBehaviorType } {
  deferUmzugCli();
  const { Umzug } = require('umzug/lib/umzug') as typeof import('umzug');
  const { RerunBehavior } = require('umzug/lib/types') as typeof import('umzug');
  return { Umzug, RerunBehavior };
}
/* eslint-enable @typescript-eslint/no-require-imports */

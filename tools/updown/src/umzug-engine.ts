/**
 * Umzug's engine without its command-line parser. Umzug's class file requires its CLI module for
 * `getCli()`, which updown never calls, and that module loads @rushstack/ts-command-line: about
 * 100 ms of every process that runs a file, a third of what `up` with a few pending files costs
 * beyond node's own start. So the CLI module is put in require's cache as a stand-in that loads the
 * real one the first time anything reads from it: a program that uses Umzug's CLI in the same
 * process still gets it, only later.
 */
import type { RerunBehavior as RerunBehaviorType, Umzug as UmzugType } from 'umzug';
import { defer, lazyObject } from './deferred';

/* eslint-disable @typescript-eslint/no-require-imports */
export function loadUmzug(): { Umzug: typeof UmzugType; RerunBehavior: typeof RerunBehaviorType } {
  defer(require.resolve('umzug/lib/cli'), (load) => lazyObject(load));
  const { Umzug } = require('umzug/lib/umzug') as typeof import('umzug');
  const { RerunBehavior } = require('umzug/lib/types') as typeof import('umzug');
  return { Umzug, RerunBehavior };
}
/* eslint-enable @typescript-eslint/no-require-imports */

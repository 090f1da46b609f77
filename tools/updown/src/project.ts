/**
 * The project's own copy of Sequelize. Two copies in one process do not recognise each other's
 * objects: `Sequelize.literal(…)` from the project's copy is refused by updown's ("Invalid value
 * Literal"), and `Sequelize.fn('now')` silently becomes a constant timestamp. So updown builds its
 * connection from the copy the migrations' folder resolves (a peer dependency), and uses its own
 * only when the project has none.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { defer, lazyObject } from './deferred';
import { UsageError } from './errors';

export type SequelizeModule = typeof import('sequelize');

const cache = new Map<string, SequelizeModule>();
/** The folder → the entry point it resolves: a fan-out builds an instance per tenant from the same folder. */
const resolvedFrom = new Map<string, string>();

function resolveFrom(fromDir: string | undefined): string {
  const known = resolvedFrom.get(fromDir ?? '');
  if (known) return known;
  let resolved: string;
  try {
    resolved = fromDir ? require.resolve('sequelize', { paths: [fromDir] }) : require.resolve('sequelize');
  } catch {
    resolved = require.resolve('sequelize');
  }
  resolvedFrom.set(fromDir ?? '', resolved);
  return resolved;
}

export function projectSequelize(fromDir?: string): SequelizeModule {
  const resolved = resolveFrom(fromDir);
  let loaded = cache.get(resolved);
  if (!loaded) {
    checkVersion(resolved);
    deferValidator(resolved);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(resolved) as SequelizeModule;
    cache.set(resolved, loaded);
  }
  return loaded;
}

/** The class an instance was made from (what sequelize-cli passes as `Sequelize`). */
export function classOf(sequelize: Sequelize): SequelizeModule['Sequelize'] {
  return sequelize.constructor as SequelizeModule['Sequelize'];
}

/** The package.json above a resolved entry point: `…/node_modules/sequelize/lib/index.js`. */
function packageOf(entry: string): { version?: string; file: string } | undefined {
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (json.name === 'sequelize') return { version: json.version, file };
  }
  return undefined;
}

/** updown drives Sequelize 6's internals (CLS, transactions, the query interface): refuse another major. */
function checkVersion(entry: string): void {
  const found = packageOf(entry);
  if (!found?.version || found.version.startsWith('6.')) return;
  throw new UsageError(`updown needs sequelize 6.x; the project resolves sequelize ${found.version} (${found.file}): install sequelize@6 in the project`);
}

/**
 * Sequelize's validator (validator.js, about 110 modules, deep-cloned as it loads: a third of what
 * loading Sequelize costs) serves model validation, which a migration seldom does. Its module waits
 * until something reads from it (`Sequelize.Validator`, a model's `validate`). Only in the 6.x layout
 * it is written against: `lib/utils/validator-extras.js` beside `lib/index.js`.
 */
function deferValidator(entry: string): void {
  const file = path.join(path.dirname(entry), 'utils', 'validator-extras.js');
  if (!fs.existsSync(file)) return;
  defer(file, (load) => ({
    // Read by Sequelize's own modules as they load: a stand-in until it is used.
    validator: lazyObject(() => load().validator as object),
    get extensions() {
      return load().extensions;
    },
  }));
}

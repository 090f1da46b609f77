/**
 * Module shapes of other tools, adapted to updown's `({ name, path, context })` at load time, so
 * the executor calls every file the same way. What differs per format beyond the shape (how names
 * are kept, how strict the run is) is asked of `policyOf`.
 */
import { InvalidMigrationError } from './errors';
import type { MigrationFile } from './plan';
import type { Migration, MigrationContext, MigrationModule, ModuleFormat, StreamLayout } from './types';

export const MODULE_FORMATS: readonly ModuleFormat[] = ['updown', 'sequelize-cli', 'umzug', 'sql'];

type Raw = Record<string, unknown> & { default?: Record<string, unknown> };
type LegacyFn = (...args: unknown[]) => unknown;

/** What a format changes in how its files are run. */
export interface FormatPolicy {
  /**
   * The original tool ran each file on an autocommit connection: a statement that refuses a
   * transaction block (25001) ran anyway, and a query nobody awaited still landed. updown's own
   * files are new code and are held to `transaction = false` and to awaiting every query.
   */
  legacy: boolean;
  /** How a file of this format says "run me outside a transaction" (the hint for 25001). */
  optOut: string;
}

export function policyOf(format: ModuleFormat): FormatPolicy {
  // A `.sql` file opts out on its first line; its statements are all awaited, in order, by updown itself.
  if (format === 'sql') return { legacy: false, optOut: 'put `-- updown:no-transaction` on its first line to run this file outside a transaction' };
  return { legacy: format !== 'updown', optOut: 'add `export const transaction = false` to run this file outside a transaction' };
}

/** The `Sequelize` that sequelize-cli passes as second argument: the class, with DataTypes, Op, fn, literal. */
function sequelizeClassOf(context: MigrationContext): unknown {
  return context.sequelize.constructor;
}

/** sequelize-cli's call: `up(queryInterface, Sequelize)`, on the module as `this`. */
function sequelizeCliCall(fn: LegacyFn, self: unknown): Migration {
  return async ({ context }) => fn.call(self, context.queryInterface, sequelizeClassOf(context));
}

/** Umzug's README shape: the context is the queryInterface, or (configured) the Sequelize instance. */
function umzugCall(fn: LegacyFn, context: StreamLayout['context']): Migration {
  return async ({ name, path, context: ours }) =>
    fn({ name, path, context: context === 'sequelize' ? ours.sequelize : ours.queryInterface });
}

/** Like sequelize-cli's Umzug v2: `default.up` first, then the module's own `up`. */
function pick(raw: Raw, method: string): LegacyFn | undefined {
  const fn = raw.default?.[method] ?? raw[method];
  return typeof fn === 'function' ? (fn as LegacyFn) : undefined;
}

/** Adapts a loaded sequelize-cli or Umzug file; `layout.context` picks Umzug's context. */
export function adaptModule(file: MigrationFile, format: Exclude<ModuleFormat, 'updown' | 'sql'>, raw: Raw, layout: StreamLayout = {}): MigrationModule {
  const up = pick(raw, 'up');
  const down = pick(raw, 'down');
  const self = raw.default && typeof raw.default.up === 'function' ? raw.default : raw;
  if (!up) {
    const shape = format === 'sequelize-cli' ? 'module.exports = { async up(queryInterface, Sequelize) { … }, async down(…) { … } }' : 'export const up = async ({ context: queryInterface }) => { … }';
    throw new InvalidMigrationError(file.name, file.path, `exports no up() function (${format} format): ${shape}`);
  }
  const adapt = (fn: LegacyFn) => (format === 'sequelize-cli' ? sequelizeCliCall(fn, self) : umzugCall(fn, layout.context));
  const extra = (key: string) => (self[key] !== undefined ? { [key]: self[key] } : {});
  return {
    up: adapt(up),
    ...(down ? { down: adapt(down) } : {}),
    ...extra('transaction'),
    ...extra('timeouts'),
    ...extra('lint'),
  } as MigrationModule;
}

/**
 * The two faces `context.queryInterface` has inside `change`: recording (down: every call is
 * written down and nothing reaches the database) and forwarding (up, and the replay of inverses:
 * every call goes to Sequelize, without updown's hints).
 */
import type { QueryInterface, Sequelize } from 'sequelize';
import type { MigrationContext } from '../types';
import { HINT_ARGUMENT, HINT_KEYS, type Call } from './inversions';

/** QueryInterface methods that only format text: they run for real while recording. */
const PURE = new Set(['quoteIdentifier', 'quoteIdentifiers', 'quoteTable', 'normalizeAttribute']);

/** Sequelize methods that reach the database: recorded (and refused by the table) as `sequelize.<name>`. */
const SEQUELIZE_RECORDED = new Set([
  'query',
  'transaction',
  'sync',
  'drop',
  'truncate',
  'authenticate',
  'close',
  'createSchema',
  'dropSchema',
  'dropAllSchemas',
  'showAllSchemas',
  'databaseVersion',
]);

type AnyFunction = (...args: unknown[]) => unknown;
const recorded = () => Promise.resolve(undefined);

/**
 * A context whose queryInterface and sequelize write every database call into `calls` and answer
 * it with `undefined`. Formatting helpers (quoteIdentifier, sequelize.literal, DataTypes…) run for
 * real; nothing is sent to the database.
 */
export function recordingContext(base: MigrationContext, calls: Call[]): MigrationContext {
  const record = (method: string) => (...args: unknown[]) => {
    calls.push({ method, args });
    return recorded();
  };
  const sequelize: Sequelize = new Proxy(base.sequelize, {
    get(target, property) {
      if (property === 'getQueryInterface') return () => queryInterface;
      if (property === 'queryInterface') return queryInterface;
      const value: unknown = Reflect.get(target, property);
      if (typeof property === 'string' && SEQUELIZE_RECORDED.has(property)) return record(`sequelize.${property}`);
      return typeof value === 'function' ? (value as AnyFunction).bind(target) : value;
    },
  });
  const queryInterface: QueryInterface = new Proxy(base.queryInterface, {
    get(target, property) {
      if (property === 'sequelize') return sequelize;
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || PURE.has(property)) return (value as AnyFunction).bind(target);
      return record(property);
    },
  });
  return { ...base, queryInterface, sequelize };
}

/** The arguments of a hinted call without `from` / `key`, which Sequelize must not see. */
export function withoutHints(method: string, args: unknown[]): unknown[] {
  const index = Object.hasOwn(HINT_ARGUMENT, method) ? HINT_ARGUMENT[method] : undefined;
  const options = index === undefined ? undefined : args[index];
  if (index === undefined || typeof options !== 'object' || options === null || !HINT_KEYS.some((key) => key in options)) return args;
  const rest: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  for (const key of HINT_KEYS) delete rest[key];
  const copy = [...args];
  copy[index] = rest;
  return copy;
}

/** A context whose queryInterface runs every call for real, with updown's hints removed. */
export function forwardingContext(base: MigrationContext): MigrationContext {
  const queryInterface: QueryInterface = new Proxy(base.queryInterface, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const method = (value as AnyFunction).bind(target);
      return typeof property === 'string' && Object.hasOwn(HINT_ARGUMENT, property) ? (...args: unknown[]) => method(...withoutHints(property, args)) : method;
    },
  });
  return { ...base, queryInterface };
}

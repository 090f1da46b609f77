/**
 * The project's own copy of Sequelize. Two copies in one process do not recognise each other's
 * objects: `Sequelize.literal(…)` from the project's copy is refused by updown's ("Invalid value
 * Literal"), and `Sequelize.fn('now')` silently becomes a constant timestamp. So updown builds its
 * connection from the copy the migrations' folder resolves (a peer dependency), and uses its own
 * only when the project has none.
 */
import type { Sequelize } from 'sequelize';

export type SequelizeModule = typeof import('sequelize');

const cache = new Map<string, SequelizeModule>();

export function projectSequelize(fromDir?: string): SequelizeModule {
  let resolved: string;
  try {
    resolved = fromDir ? require.resolve('sequelize', { paths: [fromDir] }) : require.resolve('sequelize');
  } catch {
    resolved = require.resolve('sequelize');
  }
  let loaded = cache.get(resolved);
  if (!loaded) {
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

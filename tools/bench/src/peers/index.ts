/**
 * Every tool `make bench` runs, in table order: updown first (its default mode, then
 * --single-transaction when the engine has it), then its peers, then the two psql floors.
 */
import { floors } from './floor';
import { knexTool } from './knex';
import { nodePgMigrateTool } from './node-pg-migrate';
import { sequelizeCliTool } from './sequelize-cli';
import type { Tool } from './tool';
import { umzugTool } from './umzug';
import { updownTools } from './updown';

export type { Step, Tool, Command } from './tool';
export { STEPS } from './tool';

export function allTools(options: { psql?: string; singleTransaction: boolean }): Tool[] {
  return [...updownTools(options.singleTransaction), knexTool(), nodePgMigrateTool(), umzugTool(), sequelizeCliTool(), ...floors(options.psql)];
}

/** Reading a project that another tool laid out (sequelize-cli), as that tool would. */
export { AmbiguousLayoutError, chooseLayout, explicitLayout, locateLayout, NoLayoutError } from './choose';
export { discover, SEQUELIZE_RC, UPDOWN_CONFIG_FILES, type Discovery, type Layout, type SequelizeLayout, type UpdownLayout } from './discover';
export { databaseUrl, type DatabaseSpec, type DatabaseUrl } from './database-url';
export { readRc, type RcOptions } from './rc';
export { readSequelizeProject, readSequelizeProjectSync, type SequelizeProject } from './project';

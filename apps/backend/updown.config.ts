import type { UpdownConfig } from 'updown';

/**
 * updown configuration for the backend service.
 * Relative paths are resolved from this file's folder.
 */
const config: UpdownConfig = {
  migrations: { dir: 'src/tools/rds/sequelize/migrations' },
  seeds: { dir: 'src/tools/rds/sequelize/seeds' },
  embedded: { dataDir: '../../.updown/embedded', database: 'updown_development' },
};

export default config;

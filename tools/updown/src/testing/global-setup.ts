/**
 * A ready-made Jest globalSetup: `globalSetup: 'updown/testing/global-setup.ts'`. Finds
 * updown.config.ts from the project's rootDir upwards, seeds when the config names a seeds folder,
 * and prepares one database per Jest worker. For other options, write a globalSetup that calls
 * setupTestDatabase() itself.
 */
import { findConfig, loadConfig } from '../config';
import { UsageError } from '../errors';
import { setupTestDatabase } from './jest';

export default async function globalSetup(globalConfig: { maxWorkers: number }, projectConfig?: { rootDir?: string }): Promise<void> {
  const from = projectConfig?.rootDir ?? process.cwd();
  const configPath = findConfig(from);
  if (!configPath) throw new UsageError(`updown: no updown.config.ts found from ${from} upwards`);
  const seed = Boolean(loadConfig(configPath).config.seeds);
  await setupTestDatabase({ configPath, seed, workers: globalConfig.maxWorkers });
}

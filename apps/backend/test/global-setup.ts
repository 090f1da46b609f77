import path from 'node:path';
import type { GlobalConfig } from 'jest';
import { setupTestDatabase } from 'updown/testing';

/**
 * Migrates and seeds a template database once (again only when a migration or seed file changes),
 * and hands each Jest worker a clean clone of its own; test/setup-database.ts points DATABASE_URL at it.
 */
export default async function globalSetup(globalConfig: GlobalConfig): Promise<void> {
  await setupTestDatabase({
    configPath: path.join(__dirname, '..', 'updown.config.ts'),
    seed: true,
    workers: globalConfig.maxWorkers,
    // The admin seed reads ADMIN_EMAIL: another value means another template.
    fingerprintExtra: `ADMIN_EMAIL=${process.env.ADMIN_EMAIL ?? ''}`,
  });
}

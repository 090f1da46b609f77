/**
 * @jest-config-loader ts-node
 * @jest-config-loader-options {"transpileOnly": true, "swc": true}
 */
import type { Config } from 'jest';

const config: Config = {
  displayName: 'updown',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', {}] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Integration tests start real CLI processes and real PostgreSQL sessions.
  testTimeout: 60_000,
};

export default config;

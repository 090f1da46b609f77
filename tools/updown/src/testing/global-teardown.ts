/** A ready-made Jest globalTeardown: `globalTeardown: 'updown/testing/global-teardown.ts'`. */
export { teardownTestDatabase as default } from './jest';

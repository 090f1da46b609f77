// `globalTeardown: 'updown/testing/global-teardown.ts'` in jest.config.ts.
export { default } from '../src/testing/global-teardown';

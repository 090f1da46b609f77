// `globalSetup: 'updown/testing/global-setup.ts'` in jest.config.ts.
export { default } from '../src/testing/global-setup';

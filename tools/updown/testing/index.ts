// `import … from 'updown/testing'`: Jest globalSetup / globalTeardown helpers, resetDatabase and reseed.
export * from '../src/testing/jest';

// `import … from 'updown/testing'`: Jest globalSetup / globalTeardown helpers.
export * from './src/testing/jest';

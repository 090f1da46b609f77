// `setupFiles: ['updown/testing/setup-worker.ts']` in jest.config.ts.
import '../src/testing/setup-worker';

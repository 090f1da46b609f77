import { teardownTestDatabase } from 'updown/testing';

/** Clones the worker databases this run used again, ahead of the next run. */
export default async function globalTeardown(): Promise<void> {
  await teardownTestDatabase();
}

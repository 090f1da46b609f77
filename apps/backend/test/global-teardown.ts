import { teardownTestDatabase } from 'updown/testing';

export default async function globalTeardown(): Promise<void> {
  await teardownTestDatabase();
}

import { stopTestServer } from '../src/testing/server';

export default async function globalTeardown(): Promise<void> {
  await stopTestServer();
}

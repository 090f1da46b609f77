import path from 'node:path';
import { setupTestDatabase } from 'updown/testing';

export default async function globalSetup(): Promise<void> {
  await setupTestDatabase({ configPath: path.join(__dirname, '..', 'updown.config.ts'), seed: true });
}

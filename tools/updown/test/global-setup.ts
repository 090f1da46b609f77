import path from 'node:path';
import { ensureTestServer } from '../src/testing/server';

/**
 * updown's own tests need a server, not a migrated database: each test file makes scratch
 * databases on it. DATABASE_URL / TEST_DATABASE_URL when given, else the embedded PostgreSQL.
 */
export default async function globalSetup(): Promise<void> {
  const server = await ensureTestServer({ dataDir: path.resolve(__dirname, '../../../.updown/embedded') });
  process.env.UPDOWN_TEST_SERVER_URL = server.url;
}

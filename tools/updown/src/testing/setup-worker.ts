/**
 * Jest `setupFiles` entry: points DATABASE_URL at this worker's own database (cloned by the
 * globalSetup helper) before any test module loads, and leaves a mark so that globalTeardown knows
 * which worker databases were used. Runs before every test file: node built-ins only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { harnessEnv } from './env';

const harness = harnessEnv();
if (harness) {
  const id = Number(process.env.JEST_WORKER_ID ?? '1');
  const url = harness.urls[id - 1];
  if (!url) {
    throw new Error(
      `updown: no test database for Jest worker ${id} (globalSetup prepared ${harness.urls.length}): ` +
        'pass globalConfig.maxWorkers to setupTestDatabase({ workers })',
    );
  }
  process.env.DATABASE_URL = url;
  try {
    fs.writeFileSync(path.join(harness.marks, `w${id}`), '');
  } catch {
    // No mark: globalTeardown then treats every worker database as used.
  }
}

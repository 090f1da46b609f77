/**
 * Jest `setupFiles` entry: points DATABASE_URL at this worker's own database (cloned by the
 * globalSetup helper) before any test module loads, names its tenant schemas in UPDOWN_TEST_TENANTS,
 * and leaves a mark so that globalTeardown knows which worker databases were used. Runs before
 * every test file: node built-ins only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { harnessEnv, TENANTS_ENV } from './env';

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
  // Inherited from globalSetup already; set again from the harness so that the two always agree.
  if (harness.tenants && harness.tenants.length > 0) process.env[TENANTS_ENV] = harness.tenants.join(',');
  else delete process.env[TENANTS_ENV];
  try {
    fs.writeFileSync(path.join(harness.marks, `w${id}`), '');
  } catch {
    // No mark: globalTeardown then treats every worker database as used.
  }
}

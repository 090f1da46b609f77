/**
 * What globalSetup hands to the Jest workers, which it starts afterwards and which inherit its
 * environment: one variable holding JSON, and the tenant schemas' names in a plain one for test
 * code. Kept free of imports, because the setupFiles module that reads it runs before every test file.
 */
export const HARNESS_ENV = 'UPDOWN_TEST_HARNESS';

/** The template's tenant schemas, comma-separated (`tenant_1,tenant_2`); unset when it has none. */
export const TENANTS_ENV = 'UPDOWN_TEST_TENANTS';

export interface HarnessEnv {
  /** Worker databases' URLs; JEST_WORKER_ID n gets urls[n - 1]. */
  urls: string[];
  schema: string;
  /** Tenant schemas besides `schema`, each migrated (and seeded) with its own tracking tables; absent from older runs. */
  tenants?: string[];
  configPath: string;
  /** A folder where each worker leaves a mark (`w<id>`) once it ran a test file. */
  marks: string;
}

export function harnessEnv(env: NodeJS.ProcessEnv = process.env): HarnessEnv | undefined {
  const raw = env[HARNESS_ENV];
  return raw ? (JSON.parse(raw) as HarnessEnv) : undefined;
}

/** The tenant schemas globalSetup prepared (from UPDOWN_TEST_TENANTS); [] when it prepared none. */
export function testTenants(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[TENANTS_ENV];
  return raw ? raw.split(',') : [];
}

/**
 * What globalSetup hands to the Jest workers, which it starts afterwards and which inherit its
 * environment: one variable holding JSON. Kept free of imports, because the setupFiles module that
 * reads it runs before every test file.
 */
export const HARNESS_ENV = 'UPDOWN_TEST_HARNESS';

export interface HarnessEnv {
  /** Worker databases' URLs; JEST_WORKER_ID n gets urls[n - 1]. */
  urls: string[];
  schema: string;
  configPath: string;
  /** A folder where each worker leaves a mark (`w<id>`) once it ran a test file. */
  marks: string;
}

export function harnessEnv(env: NodeJS.ProcessEnv = process.env): HarnessEnv | undefined {
  const raw = env[HARNESS_ENV];
  return raw ? (JSON.parse(raw) as HarnessEnv) : undefined;
}

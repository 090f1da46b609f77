/**
 * The version-dependent rules on two real servers: the suite's PostgreSQL (15) and a PostgreSQL 18
 * started for this file. SET NOT NULL's recipe and its safe form differ (18 can add the NOT NULL
 * itself NOT VALID); a constant default is free on both (PostgreSQL 11+), and the server's version
 * is read, not assumed. Before 11 (not startable here) any default rewrites: tested on the rule.
 */
import { urlForDatabase } from '../../../src/database';
import { PG11 } from '../../../src/lint/rules/types';
import { volatileDefault } from '../../../src/lint/rules/volatile-default';
import { loadParser, parseStatements } from '../../../src/lint/parse';
import { serverUrl, query } from '../../helpers/database';
import { startPostgres18, type SecondServer } from '../../helpers/lint-tools';
import { lintCases, type LintCase, type LintRun } from '../../helpers/lint';

jest.setTimeout(600_000);

const SETUP = [
  'CREATE TABLE accounts (id bigint PRIMARY KEY, email text, phone text)',
  // PostgreSQL 12–17's proof: a validated CHECK; 18 also accepts a validated NOT NULL constraint added NOT VALID first.
  'ALTER TABLE accounts ADD CONSTRAINT accounts_phone_check CHECK (phone IS NOT NULL) NOT VALID',
  'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_phone_check',
];
const CASES: LintCase[] = [
  { name: 'emailRequired', sql: ['ALTER TABLE accounts ALTER COLUMN email SET NOT NULL'] },
  { name: 'phoneRequired', sql: ['ALTER TABLE accounts ALTER COLUMN phone SET NOT NULL'] },
  { name: 'constantDefault', sql: ["ALTER TABLE accounts ADD COLUMN plan text DEFAULT 'free'"] },
  { name: 'uuidDefault', sql: ['ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid()'] },
];

let pg18: SecondServer;
const runs: Record<string, LintRun> = {};
beforeAll(async () => {
  pg18 = await startPostgres18();
  const target18 = urlForDatabase(pg18.url, 'updown_lint_v18');
  await query(pg18.url, 'CREATE DATABASE updown_lint_v18');
  runs['18'] = await lintCases(SETUP, CASES, {}, target18);
  runs['15'] = await lintCases(SETUP, CASES);
});
afterAll(async () => {
  await Promise.all(Object.values(runs).map((run) => run.cleanUp()));
  await pg18?.stop();
});

test('each run reads its own server version', async () => {
  expect(Math.floor(runs['18'].result.pgVersion! / 10000)).toBe(18);
  const [{ version }] = await query<{ version: number }>(serverUrl(), "SELECT current_setting('server_version_num')::int AS version");
  expect(runs['15'].result.pgVersion).toBe(version);
});

test('SET NOT NULL: found on both without a proof, and the recipe is the one of the server', () => {
  for (const version of ['15', '18']) expect(runs[version].rules('emailRequired')).toEqual(['set-not-null']);
  expect(runs['15'].findings('emailRequired')[0].recipe.join('\n')).toContain('CHECK (email IS NOT NULL) NOT VALID');
  expect(runs['18'].findings('emailRequired')[0].recipe.join('\n')).toContain('ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID');
});

test('SET NOT NULL with a validated CHECK (col IS NOT NULL): nothing on either', () => {
  for (const version of ['15', '18']) expect(runs[version].rules('phoneRequired')).toEqual([]);
});

test('defaults: a constant one is free on both (observed, no rewrite), gen_random_uuid() rewrites on both', () => {
  for (const version of ['15', '18']) {
    expect(runs[version].rules('constantDefault')).toEqual([]);
    expect(runs[version].rules('uuidDefault')).toEqual(['volatile-default']);
  }
});

test('before PostgreSQL 11 any default rewrites: the rule says so when nothing was observed', async () => {
  await loadParser();
  const [statement] = parseStatements("ALTER TABLE accounts ADD COLUMN plan text DEFAULT 'free'")!;
  const context = (pgVersion: number) => ({ pgVersion, inTransaction: true, existing: () => true, earlier: [], runLockTimeoutMs: 5000, alreadyFound: new Set<string>() });
  expect(volatileDefault.check!(statement, context(PG11 - 1))).toEqual([expect.objectContaining({ message: expect.stringContaining('before PostgreSQL 11 any default rewrites') })]);
  expect(volatileDefault.check!(statement, context(PG11))).toEqual([]);
});

import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE accounts (id bigint PRIMARY KEY, email text, plan text)', 'CREATE INDEX accounts_plan_idx ON accounts (plan)'],
    [
      { name: 'indexAccountsEmail', body: "  await queryInterface.addIndex('accounts', ['email'], { name: 'accounts_email_idx' });" },
      { name: 'dropAccountsPlanIndex', sql: ['DROP INDEX accounts_plan_idx'] },
      { name: 'indexAccountsConcurrently', transaction: false, sql: ['CREATE INDEX CONCURRENTLY accounts_email_lower_idx ON accounts (lower(email))'] },
      { name: 'newTableWithIndex', sql: ['CREATE TABLE invoices (id bigint, account_id bigint)', 'CREATE INDEX invoices_account_idx ON invoices (account_id)', 'DROP INDEX invoices_account_idx'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('CREATE INDEX on an existing table: found, with the SHARE lock observed on it', () => {
  expect(run.rules('indexAccountsEmail')).toEqual(['index-not-concurrent']);
  const [finding] = run.findings('indexAccountsEmail');
  expect(finding.lock).toEqual({ mode: 'ShareLock', table: 'accounts', observed: true });
  expect(finding.statement).toBe('CREATE INDEX "accounts_email_idx" ON "accounts" ("email")');
  expect(finding.statement!.slice(finding.position! - 1)).toMatch(/^"accounts"/);
  expect(finding.table).toEqual({ name: 'accounts', rows: expect.any(Number), bytes: expect.any(Number), onTarget: true });
});

test('DROP INDEX without CONCURRENTLY: found, ACCESS EXCLUSIVE', () => {
  expect(run.rules('dropAccountsPlanIndex')).toEqual(['index-not-concurrent']);
  expect(run.findings('dropAccountsPlanIndex')[0].lock?.mode).toBe('AccessExclusiveLock');
});

test('CREATE INDEX CONCURRENTLY in a transaction = false file, and an index on a table the same file creates: nothing', () => {
  expect(run.rules('indexAccountsConcurrently')).toEqual([]);
  expect(run.rules('newTableWithIndex')).toEqual([]);
  expect(run.result.files.find((file) => file.name.endsWith('indexAccountsConcurrently'))?.outsideTransaction).toBe(true);
});

test('exit semantics: the run is not a success while a finding is not acknowledged', () => {
  expect(run.result.success).toBe(false);
  expect(run.result.errors).toEqual([]);
});

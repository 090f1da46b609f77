import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE vendors (id bigint PRIMARY KEY, title text)', 'CREATE TABLE suppliers (id bigint)'],
    [
      { name: 'renameColumn', body: "  await queryInterface.renameColumn('vendors', 'title', 'name');" },
      { name: 'renameTable', body: "  await queryInterface.renameTable('suppliers', 'partners');" },
      { name: 'renameNew', sql: ['CREATE TABLE drafts (id bigint, body text)', 'ALTER TABLE drafts RENAME COLUMN body TO content', 'ALTER TABLE drafts RENAME TO notes'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('renaming a column or a table that exists: found', () => {
  expect(run.rules('renameColumn')).toEqual(['rename']);
  expect(run.rules('renameTable')).toEqual(['rename']);
  expect(run.findings('renameColumn')[0].message).toMatch(/vendors\.title to name/);
});

test('renaming what the same file created: nothing', () => {
  expect(run.rules('renameNew')).toEqual([]);
});

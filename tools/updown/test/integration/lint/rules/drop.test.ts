import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE legacy_tokens (id bigint)', 'CREATE TABLE people (id bigint, fax text)'],
    [
      { name: 'dropTable', body: "  await queryInterface.dropTable('legacy_tokens');" },
      { name: 'dropColumn', body: "  await queryInterface.removeColumn('people', 'fax');" },
      { name: 'dropMissing', sql: ['DROP TABLE IF EXISTS never_existed'] },
      { name: 'dropNew', sql: ['CREATE TABLE tmp_import (id bigint, raw text)', 'ALTER TABLE tmp_import DROP COLUMN raw', 'DROP TABLE tmp_import'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('dropping an existing table or column: found', () => {
  expect(run.rules('dropTable')).toEqual(['drop']);
  expect(run.rules('dropColumn')).toEqual(['drop']);
});

test('DROP TABLE IF EXISTS of a table that is not there (seen in the catalogs), and what the same file created: nothing', () => {
  expect(run.rules('dropMissing')).toEqual([]);
  expect(run.rules('dropNew')).toEqual([]);
});

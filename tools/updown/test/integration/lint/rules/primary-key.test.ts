import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE audit_log (id bigint NOT NULL, at timestamptz)', 'CREATE TABLE audit_archive (id bigint NOT NULL)', 'CREATE UNIQUE INDEX audit_archive_id ON audit_archive (id)'],
    [
      { name: 'addPrimaryKey', body: "  await queryInterface.addConstraint('audit_log', { fields: ['id'], type: 'primary key', name: 'audit_log_pkey' });" },
      { name: 'primaryKeyUsingIndex', sql: ['ALTER TABLE audit_archive ADD CONSTRAINT audit_archive_pkey PRIMARY KEY USING INDEX audit_archive_id'] },
      { name: 'newTableKey', sql: ['CREATE TABLE audit_extra (id bigint NOT NULL)', 'ALTER TABLE audit_extra ADD PRIMARY KEY (id)'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('a primary key added to an existing table: found', () => {
  expect(run.rules('addPrimaryKey')).toEqual(['primary-key']);
});

test('PRIMARY KEY USING INDEX, or on a table created in the same file: nothing', () => {
  expect(run.rules('primaryKeyUsingIndex')).toEqual([]);
  expect(run.rules('newTableKey')).toEqual([]);
});

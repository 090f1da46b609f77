import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE products (id int PRIMARY KEY, sku varchar(40), title varchar(80), price numeric(10, 2))'],
    [
      { name: 'idToBigint', sql: ['ALTER TABLE products ALTER COLUMN id TYPE bigint'] },
      { name: 'shorterSku', sql: ['ALTER TABLE products ALTER COLUMN sku TYPE varchar(20)'] },
      { name: 'longerTitle', body: "  await queryInterface.changeColumn('products', 'title', { type: DataTypes.STRING(200) });" },
      { name: 'titleToText', sql: ['ALTER TABLE products ALTER COLUMN title TYPE text'] },
      { name: 'widerPrice', sql: ['ALTER TABLE products ALTER COLUMN price TYPE numeric(12, 2)'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('int → bigint and a shorter varchar rewrite the table: found, from the observed relfilenode change', () => {
  expect(run.rules('idToBigint')).toEqual(['column-type-change']);
  // varchar(40) → varchar(20) reads like varchar(80) → varchar(200) below: only the rewrite tells them apart.
  expect(run.rules('shorterSku')).toEqual(['column-type-change']);
  expect(run.findings('shorterSku')[0].rewritten).toEqual(expect.arrayContaining(['products']));
});

test('a wider varchar, varchar → text, a wider numeric: binary-coercible, no rewrite, nothing', () => {
  expect(run.rules('longerTitle')).toEqual([]);
  expect(run.rules('titleToText')).toEqual([]);
  expect(run.rules('widerPrice')).toEqual([]);
});

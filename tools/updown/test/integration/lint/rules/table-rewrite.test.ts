import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    [
      'CREATE TABLE metrics (id int PRIMARY KEY, value int)',
      "CREATE FUNCTION widen_metrics() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'ALTER TABLE metrics ALTER COLUMN value TYPE bigint'; END $$",
      'CREATE TABLE events_raw (id int, payload text)',
    ],
    [
      { name: 'doBlockRewrite', sql: ["DO $$ BEGIN EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE bigint', 'metrics', 'id'); END $$"] },
      { name: 'functionRewrite', sql: ['SELECT widen_metrics()'] },
      { name: 'doBlockHarmless', sql: ["DO $$ BEGIN PERFORM 1; END $$"] },
      { name: 'vacuumFull', transaction: false, sql: ['VACUUM FULL events_raw'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('a rewrite done inside a DO block or a function: found only from the changed relfilenode (no pattern sees it)', () => {
  expect(run.rules('doBlockRewrite')).toEqual(['table-rewrite']);
  expect(run.rules('functionRewrite')).toEqual(['table-rewrite']);
  const [finding] = run.findings('doBlockRewrite');
  expect(finding.lock).toEqual({ mode: 'AccessExclusiveLock', table: 'metrics', observed: true });
  expect(finding.rewritten).toEqual(expect.arrayContaining(['metrics']));
});

test('VACUUM FULL in a transaction = false file: found from the relfilenode, the lock documented', () => {
  expect(run.rules('vacuumFull')).toEqual(['table-rewrite']);
});

test('a DO block that rewrites nothing: nothing', () => {
  expect(run.rules('doBlockHarmless')).toEqual([]);
});

import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE sessions (id bigint PRIMARY KEY, started_at timestamptz)'],
    [
      { name: 'uuidDefault', body: "  await queryInterface.addColumn('sessions', 'token', { type: DataTypes.UUID, defaultValue: Sequelize.fn('gen_random_uuid') });" },
      { name: 'clockDefault', sql: ['ALTER TABLE sessions ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()'] },
      { name: 'serialColumn', sql: ['ALTER TABLE sessions ADD COLUMN seq serial'] },
      { name: 'constantDefault', sql: ["ALTER TABLE sessions ADD COLUMN source text DEFAULT 'web'", 'ALTER TABLE sessions ADD COLUMN opened_at timestamptz DEFAULT now()'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('gen_random_uuid(), clock_timestamp() and a serial: found, the rewrite observed', () => {
  for (const name of ['uuidDefault', 'clockDefault', 'serialColumn']) {
    expect(run.rules(name)).toEqual(['volatile-default']);
    expect(run.findings(name)[0].rewritten).toEqual(expect.arrayContaining(['sessions']));
    expect(run.findings(name)[0].message).toMatch(/observed: the table was rewritten/);
  }
});

test('a constant default and now() (stable, evaluated once) do not rewrite on PostgreSQL 11+: nothing', () => {
  expect(run.rules('constantDefault')).toEqual([]);
});

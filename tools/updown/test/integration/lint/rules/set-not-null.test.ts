import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    [
      'CREATE TABLE members (id bigint PRIMARY KEY, email text, phone text)',
      'ALTER TABLE members ADD CONSTRAINT members_phone_not_null CHECK (phone IS NOT NULL) NOT VALID',
      'ALTER TABLE members VALIDATE CONSTRAINT members_phone_not_null',
    ],
    [
      { name: 'emailRequired', body: "  await queryInterface.changeColumn('members', 'email', { type: DataTypes.TEXT, allowNull: false });" },
      { name: 'phoneRequired', sql: ['ALTER TABLE members ALTER COLUMN phone SET NOT NULL'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('SET NOT NULL with no validated check: found (Sequelize changeColumn allowNull: false sends it)', () => {
  expect(run.rules('emailRequired')).toEqual(['set-not-null']);
  expect(run.findings('emailRequired')[0].recipe.join('\n')).toMatch(/CHECK \(email IS NOT NULL\) NOT VALID/);
});

test('SET NOT NULL once a validated CHECK (phone IS NOT NULL) exists (read from the catalogs before it runs): nothing', () => {
  expect(run.rules('phoneRequired')).toEqual([]);
});

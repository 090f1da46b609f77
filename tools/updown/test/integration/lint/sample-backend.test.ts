/**
 * `migrate lint --all` on the sample backend's own migrations (apps/backend): what is dangerous in
 * them is reported — its indexes are built without CONCURRENTLY on tables earlier migrations made —
 * and the safe parts (a nullable addColumn, tables with their indexes) are not.
 */
import path from 'node:path';
import { runCli } from '../../helpers/cli';
import { createScratchDatabase, dropScratchDatabase } from '../../helpers/database';
import { REPO_ROOT } from '../../helpers/cli';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_lintapp');
});
afterAll(() => dropScratchDatabase(url));

test('the findings in apps/backend: three indexes built without CONCURRENTLY, nothing else', async () => {
  const dir = path.join(REPO_ROOT, 'apps/backend/src/tools/rds/sequelize/migrations');
  const { code, stdout } = await runCli(['migrate', 'lint', '--all', '--url', url, '--dir', dir, '--json']);
  expect(code).toBe(1);
  const doc = JSON.parse(stdout) as { findings: { file: string; rule: string; lock?: { mode: string; table: string } }[]; files: unknown[] };
  expect(doc.files).toHaveLength(7);
  expect(doc.findings.map(({ file, rule, lock }) => ({ file, rule, table: lock?.table }))).toEqual([
    { file: '20250308100000-addStripeCustomerIdToOrganizations', rule: 'index-not-concurrent', table: 'organizations' },
    { file: '20250310120000-addLookupIndexes', rule: 'index-not-concurrent', table: 'memberships' },
    { file: '20250310120000-addLookupIndexes', rule: 'index-not-concurrent', table: 'users' },
  ]);
});

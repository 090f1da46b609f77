/**
 * The fixture set (test/fixtures/lint-catalog: 31 migrations of a shop backend, dangerous and
 * safe, Sequelize calls and raw SQL), linted with --all: the findings must match the expected
 * list exactly, one of them is found only from what the server did (a rewrite inside a DO block),
 * and squawk is run on the same captured SQL with every difference explained.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lint } from '../../../src/lint/runner';
import type { LintResult } from '../../../src/lint/types';
import { createScratchDatabase, dropScratchDatabase } from '../../helpers/database';
import { fixtureDir, FIXTURES } from '../../helpers/fixtures';
import { optionsFor } from '../../helpers/lint';
import { squawkBin } from '../../helpers/lint-tools';
import { compare, comparisonText, runSquawk } from '../../helpers/squawk';

jest.setTimeout(600_000);

const dir = fixtureDir('lint-catalog');
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'lint-catalog.expected.json'), 'utf8')) as Record<string, string[]>;
let url: string;
let result: LintResult;
beforeAll(async () => {
  url = await createScratchDatabase('updown_lintcat');
  result = await lint({ ...optionsFor(url, dir, []), all: true, keepSql: true });
});
afterAll(() => dropScratchDatabase(url));

test('at least 25 files, every one linted, nothing went wrong around the run', () => {
  expect(result.errors).toEqual([]);
  expect(result.notLinted).toEqual([]);
  expect(result.files.length).toBeGreaterThanOrEqual(25);
  expect(result.files.map((file) => file.name)).toEqual(Object.keys(expected));
});

test('the findings match the expected list exactly (file, rule)', () => {
  const found: Record<string, string[]> = Object.fromEntries(result.files.map((file) => [file.name, [] as string[]]));
  for (const finding of result.findings) found[finding.file].push(finding.rule);
  for (const rules of Object.values(found)) rules.sort();
  expect(found).toEqual(expected);
});

test('one finding comes from evidence alone: the rewrite done by a DO block', () => {
  const [finding] = result.findings.filter((candidate) => candidate.file.endsWith('-widenOrderQuantityInDoBlock'));
  expect(finding).toMatchObject({ rule: 'table-rewrite', lock: { mode: 'AccessExclusiveLock', table: 'orders', observed: true }, rewritten: expect.arrayContaining(['orders']) });
  // The text names no table and no ALTER outside the string the DO block executes.
  expect(finding.statement).toMatch(/^DO \$\$/);
});

test('the acknowledged drop is listed with its reason and does not fail the run alone', () => {
  const drop = result.findings.find((finding) => finding.rule === 'drop');
  expect(drop?.acknowledged).toMatch(/unused since the coupon service moved out/);
});

test('squawk on the same captured SQL: where the two agree and where they differ, each difference with its reason', () => {
  const squawk = runSquawk(squawkBin(), result, '15');
  const sources = new Map(result.files.map((file) => [file.name, fs.readFileSync(path.join(dir, `${file.name}.ts`), 'utf8')]));
  const comparison = compare(result, squawk, sources);
  // eslint-disable-next-line no-console
  console.log(comparisonText(comparison));
  expect(comparison.differences.filter((difference) => !difference.reason)).toEqual([]);
  expect(comparison.agreed.length).toBeGreaterThanOrEqual(10);
});

/**
 * The README's "Safe migrations" section lists every rule with its lock and its recipe, as the
 * rules themselves state them: a rule added or reworded without the README fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RULES } from '../../../src/lint/rules';

const readme = fs.readFileSync(path.resolve(__dirname, '../../../../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Safe migrations'), readme.indexOf('## Reversible `change` migrations'));

test.each(RULES.map((rule) => [rule.id, rule] as const))('%s: heading, lock and recipe in the README', (id, rule) => {
  expect(section).toContain(`#### \`${id}\``);
  const block = section.slice(section.indexOf(`#### \`${id}\``)).split('\n#### ')[0];
  expect(block).toContain(`Lock: ${rule.lock}.`);
  for (const line of rule.recipe(150000)) expect(block).toContain(line);
});

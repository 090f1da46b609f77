/** lint's settings and acknowledgements: every mistake refused with a message that names it. */
import { InvalidMigrationError, UsageError } from '../../../src/errors';
import { acknowledgements, checkLintConfig } from '../../../src/lint/settings';

const file = { name: '20240101000000-addIndex', path: '/x/20240101000000-addIndex.ts' };
const up = async () => undefined;

test('a good config passes through; absent is undefined', () => {
  expect(checkLintConfig({ mode: 'warn', allow: { [file.name]: { drop: 'unused since 2023' } } }, 'updown.config.ts')).toEqual({ mode: 'warn', allow: { [file.name]: { drop: 'unused since 2023' } } });
  expect(checkLintConfig(undefined, 'updown.config.ts')).toBeUndefined();
});

test.each([
  [{ mode: 'loud' }, 'lint.mode "loud" is not a lint mode: use one of error, warn, off'],
  [{ modes: 'warn' }, 'lint.modes is not a lint setting: use mode, allow'],
  [{ allow: { [file.name]: { 'no-such-rule': 'why' } } }, "names an unknown rule 'no-such-rule'"],
  [{ allow: { [file.name]: { drop: '  ' } } }, "acknowledges 'drop' without a reason"],
  [{ allow: { [file.name]: { 'file-failed': 'it fails' } } }, 'cannot acknowledge file-failed'],
])('config %j is refused', (value, message) => {
  expect(() => checkLintConfig(value, 'updown.config.ts')).toThrow(UsageError);
  expect(() => checkLintConfig(value, 'updown.config.ts')).toThrow(message);
});

test("the file's own allow wins over the config's for the same rule; both merge", () => {
  const config = { allow: { [file.name]: { drop: 'from config', rename: 'renamed long ago' } } };
  const merged = acknowledgements(file, { up, lint: { allow: { drop: 'from the file' } } }, config);
  expect(Object.fromEntries(merged)).toEqual({ drop: 'from the file', rename: 'renamed long ago' });
});

test("a file's bad allow is refused as that file's error (exit 2)", () => {
  expect(() => acknowledgements(file, { up, lint: { allow: { drop: '' } } }, undefined)).toThrow(InvalidMigrationError);
  expect(() => acknowledgements(file, { up, lint: { alow: {} } as never }, undefined)).toThrow('lint.alow is not a lint setting: use allow');
});

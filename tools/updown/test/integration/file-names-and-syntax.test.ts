/**
 * Issue 10: in a folder of updown's own format, a file whose name does not match
 * `YYYYMMDDHHmmss-name.ts` is warned about (it used to be skipped without a word), and `status`
 * shows a file that cannot be compiled as `invalid` with the reason: found by compiling it, never
 * by running it; `--check` exits 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase } from '../helpers/database';
import { tempMigrations, type TempMigrations } from '../helpers/fixtures';

let url: string;
let temp: TempMigrations;
beforeAll(async () => {
  url = await createScratchDatabase('updown_file_names');
});
beforeEach(() => {
  temp = tempMigrations('basic');
});
afterEach(async () => {
  temp.remove();
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];
const write = (name: string, body: string) => fs.writeFileSync(path.join(temp.dir, name), body);
const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', temp.dir]);
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('warning:'));

describe('a file whose name does not match the pattern', () => {
  beforeEach(() => {
    write('2025-01-01-foo.ts', 'export const up = async () => undefined;\n');
    write('foo.ts', 'export const up = async () => undefined;\n');
    write('20250101000000_underscore.js', 'exports.up = async () => undefined;\n');
    // Not code, or not a migration: left alone.
    write('README.md', '# migrations\n');
    write('types.d.ts', 'export {};\n');
    fs.mkdirSync(path.join(temp.dir, 'helpers'));
  });

  it('is warned about by name, with the name it should have, on status and on up; it is not run', async () => {
    const status = await migrate('status');
    expect(status.code).toBe(0);
    expect(warnings(status.stderr)).toEqual([
      `warning: ${temp.dir}/2025-01-01-foo.ts is not run: its name does not match YYYYMMDDHHmmss-name.ts (14 digits, a dash, a name); rename it, e.g. to 20250101000000-foo.ts, or move it out of the folder`,
      `warning: ${temp.dir}/20250101000000_underscore.js is not run: its name does not match YYYYMMDDHHmmss-name.ts (14 digits, a dash, a name); rename it, e.g. to 20250101000000-underscore.js, or move it out of the folder`,
      `warning: ${temp.dir}/foo.ts is not run: its name does not match YYYYMMDDHHmmss-name.ts (14 digits, a dash, a name); rename it, e.g. to YYYYMMDDHHmmss-foo.ts, or move it out of the folder`,
    ]);

    const up = await migrate('up');
    expect(up.code).toBe(0);
    expect(warnings(up.stderr)).toHaveLength(3);
    expect(await appliedNames(url)).toEqual(BASIC);
  });

  it('--json: the warnings go to stderr, stdout stays one document', async () => {
    const status = await migrate('status', '--json');
    expect(onlyJson<{ items: unknown[] }>(status.stdout).items).toHaveLength(3);
    expect(warnings(status.stderr)).toHaveLength(3);
  });

  it('a sequelize-cli folder takes the names sequelize-cli takes: no warning', async () => {
    const result = await migrate('status', '--format', 'sequelize-cli');
    expect(result.code).toBe(0);
    expect(warnings(result.stderr)).toEqual([]);
  });
});

describe('a file that cannot be compiled', () => {
  const marker = () => path.join(temp.root, 'ran');
  beforeEach(() => {
    // A syntax error (a missing parenthesis), in TypeScript and in JavaScript.
    write('20240104000000-brokenSyntax.ts', "import type { Migration } from 'updown';\n\nexport const up: Migration = async ({ context: { sequelize } }) => {\n  await sequelize.query('SELECT 1'\n};\n");
    write('20240105000000-brokenScript.js', 'exports.up = async () => {\n  return [1, 2;\n};\n');
    // Valid, and it would leave a trace if status ran it.
    write('20240106000000-leavesTrace.ts', `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(marker())}, 'ran');\nexport const up = async () => undefined;\n`);
  });

  it('is `invalid` with the reason in status (human and JSON), never run; --check exits 1', async () => {
    const human = await migrate('status');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^invalid {2}20240104000000-brokenSyntax \(cannot be compiled: Expected ',', got '\}' \(line 5\)\)$/m);
    expect(human.stdout).toMatch(/^invalid {2}20240105000000-brokenScript \(cannot be compiled: .+\(line 2\)\)$/m);
    expect(human.stdout).toMatch(/^pending {2}20240106000000-leavesTrace$/m);
    expect(human.stdout).toMatch(/^4 pending, 2 invalid$/m);

    const json = await migrate('status', '--json', '--check');
    expect(json.code).toBe(1);
    const doc = onlyJson<{ ok: boolean; items: { name: string; state: string; reason?: string }[] }>(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.items.find((item) => item.name === '20240104000000-brokenSyntax')).toEqual({
      name: '20240104000000-brokenSyntax',
      state: 'invalid',
      reason: "cannot be compiled: Expected ',', got '}' (line 5)",
    });
    expect(doc.items.filter((item) => item.state === 'invalid').map((item) => item.name)).toEqual(['20240104000000-brokenSyntax', '20240105000000-brokenScript']);
    expect(fs.existsSync(marker())).toBe(false);
  });

  it('in a real process (the SWC hook and its cache), after the good files are applied', async () => {
    fs.rmSync(path.join(temp.dir, '20240106000000-leavesTrace.ts'));
    fs.renameSync(path.join(temp.dir, '20240104000000-brokenSyntax.ts'), path.join(temp.root, 'broken.ts'));
    fs.renameSync(path.join(temp.dir, '20240105000000-brokenScript.js'), path.join(temp.root, 'broken.js'));
    expect((await migrate('up')).code).toBe(0);
    fs.renameSync(path.join(temp.root, 'broken.ts'), path.join(temp.dir, '20240104000000-brokenSyntax.ts'));

    const args = ['migrate', 'status', '--check', '--url', url, '--dir', temp.dir];
    for (const run of [1, 2]) {
      const result = await spawnCli(args);
      expect({ run, code: result.code }).toEqual({ run, code: 1 });
      expect(result.stdout).toMatch(/^invalid {2}20240104000000-brokenSyntax \(cannot be compiled: Expected ',', got '\}' \(line 5\)\)$/m);
      expect(result.stdout).toMatch(/^3 applied, 1 invalid$/m);
    }
    // up refuses it with the same one-line reason, not SWC's backtrace.
    const up = await spawnCli(['migrate', 'up', '--url', url, '--dir', temp.dir]);
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/^error: \S+20240104000000-brokenSyntax\.ts: cannot be loaded: Expected ',', got '\}' \(line 5\)$/m);
    expect(up.stderr).not.toMatch(/backtrace/i);
  });

  it('a seed that cannot be compiled is `invalid` too (seed status reads environments from the others)', async () => {
    const result = await runCli(['seed', 'status', '--json', '--url', url, '--dir', temp.dir]);
    const doc = onlyJson<{ items: { name: string; state: string }[] }>(result.stdout);
    expect(doc.items.filter((item) => item.state === 'invalid').map((item) => item.name)).toEqual(['20240104000000-brokenSyntax', '20240105000000-brokenScript']);
  });
});

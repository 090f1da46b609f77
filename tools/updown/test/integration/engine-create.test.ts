import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase } from '../helpers/database';
import { tempMigrations, treeOf, type TempMigrations } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const UPDOWN_INDEX = path.resolve(__dirname, '../../src/index.ts');

let temp: TempMigrations;
let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_create');
});
beforeEach(() => {
  temp = tempMigrations();
  fs.rmdirSync(temp.dir); // `create` makes the folder itself
});
afterEach(() => temp.remove());
afterAll(async () => {
  await dropScratchDatabase(url);
});

describe('migrate create with a bad name', () => {
  it.each(['../x', 'a/b', 'a b', '', 'n'.repeat(101), '.hidden', 'x.ts', '../../../../tmp/evil'])(
    '%p exits 2 and writes nothing anywhere',
    async (name) => {
      const before = treeOf(temp.root);
      const result = await runCli(['migrate', 'create', name, '--dir', temp.dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/error: .*the name ".*" (is empty|is \d+ characters long|is not a plain identifier)/);
      expect(result.stdout).toBe('');
      expect(treeOf(temp.root)).toEqual(before);
      expect(fs.existsSync(temp.dir)).toBe(false);
    },
  );

  it('--json reports the refusal as a document', async () => {
    const result = await runCli(['migrate', 'create', '../x', '--dir', temp.dir, '--json']);
    expect(result.code).toBe(2);
    expect(onlyJson(result.stdout)).toMatchObject({ ok: false, error: { message: expect.stringContaining('the name "../x"') } });
  });
});

describe('migrate create with a good name', () => {
  it('writes YYYYMMDDHHmmss-name.ts, which type-checks, applies, and refuses to go down until written', async () => {
    const before = Date.now();
    const result = await runCli(['migrate', 'create', 'addStripeCustomerId', '--dir', temp.dir]);
    expect(result.code).toBe(0);
    const files = fs.readdirSync(temp.dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{14}-addStripeCustomerId\.ts$/);
    const file = path.join(temp.dir, files[0]);
    expect(result.stdout).toContain(`created ${file}`);
    // The timestamp is the current UTC time (to the second).
    const stamp = files[0].slice(0, 14);
    const written = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12), +stamp.slice(12, 14));
    expect(written).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(written).toBeLessThanOrEqual(Date.now());

    // It compiles under the repository's strict settings, against updown's real types.
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.resolve(__dirname, '../../../../node_modules/@types')],
      baseUrl: temp.root,
      paths: { updown: [UPDOWN_INDEX] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);

    // Unedited, it is refused before it runs (template-placeholders.test.ts has the whole story).
    const up = await runCli(['migrate', 'up', '--url', url, '--dir', temp.dir]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`${file}: up() is still the template's placeholder, so nothing was run`);
    expect(await appliedNames(url)).toEqual([]);
  });

  it('refuses a second file with the same name, writing nothing', async () => {
    expect((await runCli(['migrate', 'create', 'addThing', '--dir', temp.dir])).code).toBe(0);
    const before = treeOf(temp.root);
    const again = await runCli(['migrate', 'create', 'addThing', '--dir', temp.dir]);
    expect(again.code).toBe(2);
    expect(treeOf(temp.root)).toEqual(before);
  });

  it('seed create uses the seed template', async () => {
    const result = await runCli(['seed', 'create', 'createAdminUser', '--dir', temp.dir]);
    expect(result.code).toBe(0);
    const [file] = fs.readdirSync(temp.dir);
    expect(file).toMatch(/^\d{14}-createAdminUser\.ts$/);
    expect(fs.readFileSync(path.join(temp.dir, file), 'utf8')).toContain("import type { Seed } from 'updown'");
  });

  it('--change writes a reversible change migration, refused until its placeholder is replaced, then applied and reverted', async () => {
    const result = await runCli(['migrate', 'create', 'addNothingYet', '--change', '--dir', temp.dir]);
    expect(result.code).toBe(0);
    const [file] = fs.readdirSync(temp.dir);
    const body = fs.readFileSync(path.join(temp.dir, file), 'utf8');
    expect(body).toContain('export const change: Change');
    const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', temp.dir, '--schema', 'create_change']);
    const refused = await migrate('up');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/change\(\) is still the template's placeholder/);
    fs.writeFileSync(path.join(temp.dir, file), body.replace(/^ {2}throw new Error\('updown:unwritten .*$/m, ''));
    // Real processes from here: this one has the placeholder loaded.
    const cli = (...args: string[]) => spawnCli(['migrate', ...args, '--url', url, '--dir', temp.dir, '--schema', 'create_change']);
    expect((await cli('up')).code).toBe(0);
    expect((await cli('down')).code).toBe(0);
    expect(await appliedNames(url, 'create_change')).toEqual([]);
  });
});

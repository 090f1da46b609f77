import { runCli } from '../helpers/cli';
import { advisoryLocks, allUserTables, appliedNames, createScratchDatabase, dropScratchDatabase, enumTypes, query, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

/** Everything in the database that is not the system's: relations and types outside pg_catalog. */
async function userObjects(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     UNION ALL
     SELECT n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND t.typtype IN ('e', 'c') AND t.typrelid = 0
     ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

describe('--dry-run', () => {
  let url: string;
  beforeAll(async () => {
    url = await createScratchDatabase('updown_dry');
  });
  afterAll(async () => {
    await dropScratchDatabase(url);
  });

  it('on a fresh database prints each file\'s SQL and leaves the database as empty as it was, with no lock', async () => {
    const result = await runCli(['migrate', 'up', '--dry-run', '--url', url, '--dir', fixtureDir('basic')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/-- 20240101000000-createWidgets \(up\)\n[\s\S]*CREATE TABLE IF NOT EXISTS "widgets"/);
    expect(result.stdout).toMatch(/-- 20240102000000-addWidgetColour \(up\)\nALTER TABLE "public"\."widgets" ADD COLUMN "colour" VARCHAR\(32\);/);
    expect(result.stdout).toMatch(/-- 20240103000000-indexWidgetName \(up\)\nCREATE INDEX "idx_widgets_name" ON "widgets" \("name"\);/);
    expect(result.stdout).toMatch(/dry run: 3 file\(s\) previewed and rolled back, nothing recorded/);
    expect(await userObjects(url)).toEqual([]); // not even SequelizeMeta or updown_metadata
    expect(await advisoryLocks(url)).toEqual([]);
  });

  it('down --dry-run --json carries the SQL of every down and reverts nothing', async () => {
    expect((await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('basic')])).code).toBe(0);
    const before = await appliedNames(url);
    const result = await runCli(['migrate', 'down', '--all', '--dry-run', '--json', '--url', url, '--dir', fixtureDir('basic')]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ ok: true, executed: [], dryRun: true });
    expect(doc.preview.map((item: { name: string }) => item.name)).toEqual([...before].reverse());
    expect(doc.preview[0].statements).toEqual(['DROP INDEX IF EXISTS "idx_widgets_name"']);
    expect(doc.preview[2].statements).toEqual(expect.arrayContaining([expect.stringMatching(/DROP TYPE IF EXISTS "enum_widgets_kind"/)]));
    expect(await appliedNames(url)).toEqual(before);
    expect(await tableExists(url, 'widgets')).toBe(true);
    expect(await enumTypes(url)).toContain('public.enum_widgets_kind');
  });

  it('lists a file that runs outside a transaction as not previewable and does not run it', async () => {
    const fresh = await createScratchDatabase('updown_dry_cic');
    try {
      const result = await runCli(['migrate', 'up', '--dry-run', '--json', '--url', fresh, '--dir', fixtureDir('concurrently')]);
      expect(result.code).toBe(0);
      const [create, index] = JSON.parse(result.stdout).preview;
      expect(create).toMatchObject({ previewable: true });
      expect(index).toMatchObject({ name: '20240402000000-indexEventsKind', previewable: false, statements: [] });
      expect(await allUserTables(fresh)).toEqual([]);
    } finally {
      await dropScratchDatabase(fresh);
    }
  });

  it('a file that fails in the preview names it and still changes nothing', async () => {
    const result = await runCli(['migrate', 'up', '--dry-run', '--url', url, '--dir', fixtureDir('fails-halfway'), '--schema', 'dry_fail']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/20240202000000-createDoomed\.ts failed \(up\)/);
    const [schema] = await query(url, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'dry_fail'");
    expect(schema).toEqual({ n: 0 });
  });
});

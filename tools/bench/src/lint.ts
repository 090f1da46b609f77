/**
 * `migrate lint`'s two targets (issue 11), for `make bench` to call: on the generated workload,
 * `lint --all` against `up --dry-run` (≤ 2×), and `up` with lint in warn mode (the real run
 * observed in place) against `up` with lint off (≤ 1.1×). Whole processes, each on a new empty
 * database made (not timed) before it; medians of the per-run ratios.
 *
 * Wiring (main.ts): after the N=300 runs, `lintLines(work.dir, server.urlFor('postgres'), () => server.checkpoint(), { runs })`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { urlForDatabase } from '../../updown/src/database';
import { median } from './measure';
import type { Line } from './report';

const repoRoot = path.resolve(__dirname, '../../..');
const updownBin = path.join(repoRoot, 'tools/updown/bin/updown.js');

/** Milliseconds from spawn to exit; `ok` lists the exit codes that are not a failure (lint exits 1 on a finding). */
function timeCli(args: string[], ok: number[] = [0]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [updownBin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  if (!ok.includes(result.status ?? -1)) throw new Error(`updown ${args.slice(0, 3).join(' ')} exited ${result.status}:\n${result.stderr || result.stdout}`);
  return ms;
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, application_name: 'updown bench lint' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `fn` on a new empty database, dropped afterwards. */
async function onFreshDatabase<T>(serverUrl: string, fn: (url: string) => T | Promise<T>): Promise<T> {
  const name = `bench_lint_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  try {
    return await fn(urlForDatabase(serverUrl, name));
  } finally {
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export interface LintFigures {
  lint: number;
  dryRun: number;
  upWarn: number;
  upOff: number;
}

/** Flushes the server's dirty pages before a timed step: BenchServer.checkpoint. */
type Checkpoint = () => Promise<unknown>;

/** `up` of the workload on a new database with one of the two configs, after a checkpoint. */
async function timeUp(serverUrl: string, checkpoint: Checkpoint, config: string): Promise<number> {
  return onFreshDatabase(serverUrl, async (url) => {
    await checkpoint();
    return timeCli(['migrate', 'up', '--config', config, '--url', url]);
  });
}

/** One run of the four timings; `up` with lint off and in warn mode go in turn first, so drift on a shared machine hits both. */
export async function lintRun(dir: string, serverUrl: string, checkpoint: Checkpoint, configs: { warn: string; off: string }, offFirst = true): Promise<LintFigures> {
  const dryRun = await onFreshDatabase(serverUrl, (url) => timeCli(['migrate', 'up', '--dry-run', '--dir', dir, '--url', url]));
  const lint = await onFreshDatabase(serverUrl, (url) => timeCli(['migrate', 'lint', '--all', '--dir', dir, '--url', url], [0, 1]));
  const [first, second] = offFirst ? [configs.off, configs.warn] : [configs.warn, configs.off];
  const firstMs = await timeUp(serverUrl, checkpoint, first);
  const secondMs = await timeUp(serverUrl, checkpoint, second);
  return offFirst ? { lint, dryRun, upOff: firstMs, upWarn: secondMs } : { lint, dryRun, upWarn: firstMs, upOff: secondMs };
}

/** updown.config.ts files naming the workload folder, one per lint mode. */
function writeConfigs(dir: string): { warn: string; off: string; remove: () => void } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-bench-lint-'));
  const write = (mode: string) => {
    const file = path.join(folder, `${mode}.config.ts`);
    fs.writeFileSync(file, `export default { migrations: { dir: ${JSON.stringify(dir)} }, lint: { mode: '${mode}' } };\n`);
    return file;
  };
  return { warn: write('warn'), off: write('off'), remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

/** The bench's lines for lint, with the targets. */
export async function lintLines(dir: string, serverUrl: string, checkpoint: Checkpoint, options: { runs?: number; log?: (message: string) => void } = {}): Promise<Line[]> {
  const configs = writeConfigs(dir);
  const runs: LintFigures[] = [];
  try {
    // Warm-up (not counted): the transpile cache for the workload and the engine.
    await lintRun(dir, serverUrl, checkpoint, configs);
    for (let r = 1; r <= (options.runs ?? 3); r++) {
      const figures = await lintRun(dir, serverUrl, checkpoint, configs, r % 2 === 1);
      runs.push(figures);
      options.log?.(`lint run ${r}: lint --all ${figures.lint.toFixed(0)} ms (dry run ${figures.dryRun.toFixed(0)}), up warn ${figures.upWarn.toFixed(0)} ms (off ${figures.upOff.toFixed(0)})`);
    }
  } finally {
    configs.remove();
  }
  const lintRatio = median(runs.map((run) => run.lint / run.dryRun));
  const warnRatio = median(runs.map((run) => run.upWarn / run.upOff));
  const n = fs.readdirSync(dir).filter((file) => /\.(ts|js)$/.test(file)).length;
  return [
    {
      figure: `migrate lint --all (${n})`,
      value: median(runs.map((run) => run.lint)),
      unit: 'ms',
      floor: median(runs.map((run) => run.dryRun)),
      ratio: lintRatio,
      target: '≤ 2× up --dry-run',
      met: lintRatio <= 2,
      note: 'floor: migrate up --dry-run on the same files (both on an empty database)',
    },
    {
      figure: `migrate up, lint warn (${n})`,
      value: median(runs.map((run) => run.upWarn)),
      unit: 'ms',
      floor: median(runs.map((run) => run.upOff)),
      ratio: warnRatio,
      target: '≤ 1.1× lint off',
      met: warnRatio <= 1.1,
      note: 'floor: migrate up with lint.mode off',
    },
  ];
}

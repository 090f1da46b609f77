/**
 * One tool's pass over the workload on a fresh database: up, status, up again (nothing pending),
 * down --all, each a whole process, with the schema checked after every change. A step that exits
 * non-zero, or leaves a schema other than the workload's, fails the tool's pass (the figures stop
 * there) instead of counting.
 */
import type { Workload } from './generate';
import { run } from './measure';
import type { Command, Step, Tool } from './peers';
import { differences, EMPTY, expectedAfterUp, readSchema, type SchemaState } from './schema-check';
import type { BenchServer } from './server';

export interface ToolRun {
  /** Wall time of each step's process, ms. */
  ms: Partial<Record<Step, number>>;
  /** Peak memory (max RSS) of each step's process, MB. */
  rssMb: Partial<Record<Step, number>>;
  /** Why the pass failed (the step and what went wrong); the figures after it are missing. */
  failed?: string;
}

export type Project = Partial<Record<Step, (url: string) => Command>>;

export const databaseFor = (tool: Tool, work: Workload) => `bench_${work.n}_${tool.key}`;

/** Runs the tool's steps. */
export async function runTool(server: BenchServer, tool: Tool, project: Project, work: Workload): Promise<ToolRun> {
  const database = databaseFor(tool, work);
  const result: ToolRun = { ms: {}, rssMb: {} };
  const afterUpState = expectedAfterUp(work);
  const check = async (after: Step, expected: SchemaState) => {
    const client = await server.connect(database);
    try {
      const wrong = differences(await readSchema(client, tool.trackingTable), expected);
      if (wrong.length) throw new Error(`after ${after}, the schema is not the workload's: ${wrong.join('; ')}`);
    } finally {
      await client.end();
    }
  };
  const step = async (name: Step) => {
    const command = project[name];
    if (!command) return false;
    if (name === 'up' || name === 'down') await server.checkpoint();
    const { file, args, cwd, env } = command(server.urlFor(database));
    const sample = run(file, args, { cwd, env });
    result.ms[name] = sample.ms;
    result.rssMb[name] = sample.maxRssMb;
    return true;
  };
  await server.dropDatabase(database);
  await server.createBenchDatabase(database);
  try {
    if (tool.setupSql) {
      const client = await server.connect(database);
      await client.query(tool.setupSql).finally(() => client.end());
    }
    await step('up');
    await check('up', afterUpState);
    await step('status');
    if (await step('upAgain')) await check('upAgain', afterUpState);
    await step('down');
    await check('down', EMPTY);
  } catch (error) {
    result.failed = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join(' | ');
  } finally {
    await server.dropDatabase(database);
  }
  return result;
}

/**
 * The physical floor: psql applying the same DDL the tools send, with a tracking insert (delete
 * going down) per migration, as one whole process. Two kinds, one per way of committing:
 * `floor` — each migration in its own BEGIN … COMMIT (what updown's default mode does), and
 * `floor-single` — `psql --single-transaction` around the whole script (what knex and
 * node-pg-migrate do by default, and updown with --single-transaction).
 *
 * The DDL is the text Sequelize 6 sends for the same queryInterface calls (checked against a
 * statement trace); names are schema-qualified where Sequelize relies on search_path.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationSpec, Workload } from '../generate';
import type { Command, Tool } from './tool';

export const FLOOR_TRACKING_TABLE = 'SequelizeMeta';

export function floorStatements(m: MigrationSpec): { up: string[]; down: string[] } {
  const t = `"public"."${m.table}"`;
  const up = [
    `CREATE TABLE IF NOT EXISTS ${t} ("id" UUID NOT NULL DEFAULT gen_random_uuid(), "name" VARCHAR(120) NOT NULL, ` +
      `"email" VARCHAR(255), "amount_cents" INTEGER NOT NULL DEFAULT 0, "is_active" BOOLEAN NOT NULL DEFAULT true, ` +
      `"settings" JSONB, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
      `"updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), PRIMARY KEY ("id"));`,
  ];
  const down: string[] = [];
  if (m.extraColumn) {
    up.push(`ALTER TABLE "public"."${m.extraColumn.table}" ADD COLUMN "${m.extraColumn.column}" TEXT;`);
    down.unshift(`ALTER TABLE "public"."${m.extraColumn.table}" DROP COLUMN "${m.extraColumn.column}";`);
  }
  if (m.index) {
    up.push(`CREATE INDEX "${m.index.name}" ON ${t} ("${m.index.column}");`);
    down.unshift(`DROP INDEX IF EXISTS "public"."${m.index.name}";`);
  }
  down.push(`DROP TABLE IF EXISTS ${t};`);
  return { up, down };
}

/** The up and down scripts; `perFile`: each migration wrapped in its own BEGIN/COMMIT. */
export function floorScripts(work: Workload, perFile: boolean): { up: string; down: string } {
  const wrap = (statements: string[]) => (perFile ? ['BEGIN;', ...statements, 'COMMIT;', ''] : [...statements, '']).join('\n');
  const up: string[] = [];
  const down: string[] = [];
  for (const m of work.migrations) {
    const sql = floorStatements(m);
    up.push(wrap([...sql.up, `INSERT INTO "${FLOOR_TRACKING_TABLE}" (name) VALUES ('${m.name}');`]));
    down.unshift(wrap([...sql.down, `DELETE FROM "${FLOOR_TRACKING_TABLE}" WHERE name = '${m.name}';`]));
  }
  return { up: up.join('\n'), down: down.join('\n') };
}

function floorTool(psql: string, perFile: boolean): Tool {
  return {
    key: perFile ? 'floor' : 'floor-single',
    label: perFile ? 'psql, a transaction per file (floor)' : 'psql --single-transaction (floor)',
    commits: perFile ? 'per-file' : 'batch',
    floor: true,
    trackingTable: FLOOR_TRACKING_TABLE,
    setupSql: `CREATE TABLE "${FLOOR_TRACKING_TABLE}" (name varchar(255) NOT NULL PRIMARY KEY);`,
    prepare(work, dir) {
      const scripts = floorScripts(work, perFile);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'up.sql'), scripts.up);
      fs.writeFileSync(path.join(dir, 'down.sql'), scripts.down);
      const psqlRun = (url: string, ...rest: string[]): Command => ({
        file: psql,
        args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(perFile ? [] : ['--single-transaction']), '-d', url, ...rest],
        cwd: dir,
      });
      return {
        up: (url) => psqlRun(url, '-f', path.join(dir, 'up.sql')),
        down: (url) => psqlRun(url, '-f', path.join(dir, 'down.sql')),
        ...(perFile ? { status: (url: string) => psqlRun(url, '-A', '-t', '-c', `SELECT name FROM "${FLOOR_TRACKING_TABLE}" ORDER BY name`) } : {}),
      };
    },
  };
}

/** Both floors, or none when no psql is installed here (the ratios then stay blank). */
export function floors(psql: string | undefined): Tool[] {
  return psql ? [floorTool(psql, true), floorTool(psql, false)] : [];
}

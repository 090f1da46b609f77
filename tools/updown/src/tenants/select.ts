/**
 * Which schemas a fan-out runs on: a LIKE pattern over the existing schemas (`--schemas`), a query
 * on the target (`--schemas-from`), the config's `tenants` function (`--tenants`), or a list
 * (repeated `--schema`). Every way reads through one plain connection in a READ ONLY transaction, so
 * choosing the tenants can never change the database; every bad input is refused (exit 2) before
 * any tenant runs.
 */
import type { Client } from 'pg';
import { withClient } from '../connection';
import { UsageError } from '../errors';
import type { TenantSelection, TenantsContext } from './types';

/** pg type OIDs a schema name can come back as: text, varchar, name, char(n). */
const TEXT_TYPES = new Set([25, 1043, 19, 1042]);

const SYSTEM_SCHEMAS = "nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'";

function describe(selection: TenantSelection): string {
  if (selection.kind === 'pattern') return `--schemas '${selection.pattern}'`;
  if (selection.kind === 'query') return '--schemas-from';
  if (selection.kind === 'config') return `tenants in ${selection.file}`;
  return '--schema';
}

/** A schema name as PostgreSQL takes it: 1 to 63 bytes (longer ones would be silently cut). */
export function checkSchemaName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0 || Buffer.byteLength(name, 'utf8') > 63) {
    throw new UsageError(`${where} gave ${JSON.stringify(name)}, which is not a schema name (1 to 63 bytes)`);
  }
  return name;
}

async function byPattern(client: Client, pattern: string): Promise<string[]> {
  if (pattern.length === 0) throw new UsageError("--schemas needs a LIKE pattern, e.g. --schemas 'tenant\\_%'");
  const { rows } = await client.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 AND ${SYSTEM_SCHEMAS} ORDER BY nspname COLLATE "C"`,
    [pattern],
  );
  return rows.map((row) => row.nspname);
}

async function byQuery(client: Client, sql: string): Promise<string[]> {
  const example = '--schemas-from "SELECT schema_name FROM tenants WHERE active"';
  let result: { fields: { name: string; dataTypeID: number }[]; rows: unknown[][] };
  try {
    // The extended protocol takes exactly one statement (pg before 8.12 ignores queryMode: see below).
    result = await client.query({ text: sql, rowMode: 'array', queryMode: 'extended' } as never);
    if (Array.isArray(result)) throw new Error('it holds more than one statement');
  } catch (error) {
    throw new UsageError(`the --schemas-from query failed: ${(error as Error).message}. It must be one SELECT whose first column is the schema name, e.g. ${example}`);
  }
  const [first] = result.fields ?? [];
  if (!first) throw new UsageError(`the --schemas-from query returned no columns: its first column must be the schema name, e.g. ${example}`);
  if (!TEXT_TYPES.has(first.dataTypeID)) {
    throw new UsageError(`the --schemas-from query's first column "${first.name}" is not text: select the schema name (cast it with ::text if need be), e.g. ${example}`);
  }
  return result.rows.map((row, index) => checkSchemaName(row[0], `row ${index + 1} of the --schemas-from query`));
}

async function byConfig(client: Client, selection: Extract<TenantSelection, { kind: 'config' }>, env: string): Promise<string[]> {
  const context: TenantsContext = { query: async (sql, values) => (await client.query(sql, values)).rows, env };
  let names: unknown;
  try {
    names = await selection.tenants(context);
  } catch (error) {
    throw new UsageError(`tenants() in ${selection.file} failed: ${(error as Error).message}`);
  }
  if (!Array.isArray(names)) throw new UsageError(`tenants() in ${selection.file} must return a list of schema names, not ${typeof names}`);
  return names.map((name, index) => checkSchemaName(name, `tenants() in ${selection.file}, item ${index + 1},`));
}

/** The tenants' schema names, in the selection's order, each once. Refuses (UsageError) when none is found. */
export async function selectTenants(url: string, selection: TenantSelection, env: string): Promise<string[]> {
  const found =
    selection.kind === 'list'
      ? selection.schemas.map((name) => checkSchemaName(name, '--schema'))
      : await withClient(url, 'tenants', async (client) => {
          await client.query('BEGIN READ ONLY');
          try {
            if (selection.kind === 'pattern') return await byPattern(client, selection.pattern);
            if (selection.kind === 'query') return await byQuery(client, selection.sql);
            return await byConfig(client, selection, env);
          } finally {
            await client.query('ROLLBACK').catch(() => undefined);
          }
        });
  const schemas = [...new Set(found)];
  if (schemas.length === 0) {
    const hint =
      selection.kind === 'pattern'
        ? " (in LIKE, _ matches any one character and % any run: write 'tenant\\_%' for a literal underscore; psql's \\dn lists the schemas)"
        : '';
    throw new UsageError(`no schema matched ${describe(selection)}${hint}: nothing was run`);
  }
  return schemas;
}

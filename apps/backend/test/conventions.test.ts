import { QueryTypes, type ModelAttributeColumnOptions } from 'sequelize';
import { unique, useTestDatabase } from './support/database';

// The schema conventions every migration here follows, read from the migrated database's catalogs, and
// the models' agreement with them: a table or a model that breaks one fails here, naming it.

interface Column {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  default: string | null;
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

describe('schema conventions', () => {
  const db = useTestDatabase();
  let columns: Column[];

  beforeAll(async () => {
    // The application's tables: updown's own tracking tables are not the migrations' to shape.
    columns = await db.sequelize.query<Column>(
      `SELECT t.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS type,
              NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
         FROM pg_class t
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
        WHERE t.relkind = 'r' AND t.relnamespace = current_schema()::regnamespace
          AND t.relname NOT IN ('SequelizeMeta', 'SequelizeData') AND t.relname NOT LIKE 'updown\\_%'
        ORDER BY t.relname, a.attnum`,
      { type: QueryTypes.SELECT },
    );
  });

  const tables = () => [...new Set(columns.map((c) => c.table))];
  const column = (table: string, name: string) => columns.find((c) => c.table === table && c.column === name);

  it('has a model for every table, and a table for every model', () => {
    const modelTables = Object.values(db.models).map((model) => model.getTableName() as string);
    expect(tables().sort()).toEqual(modelTables.sort());
  });

  it('names every table and column in snake_case', () => {
    const names = [...tables(), ...columns.map((c) => `${c.table}.${c.column}`)];
    expect(names.filter((name) => !name.split('.').every((part) => SNAKE_CASE.test(part)))).toEqual([]);
    expect(columns.length).toBeGreaterThan(tables().length);
  });

  it('gives every table created_at and updated_at, timestamptz not null default now()', () => {
    for (const table of tables()) {
      for (const name of ['created_at', 'updated_at']) {
        expect({ table, column: name, ...column(table, name) }).toEqual({
          table,
          column: name,
          type: 'timestamp with time zone',
          nullable: false,
          default: 'now()',
        });
      }
    }
  });

  it('keys every table by a uuid id that the database generates with gen_random_uuid()', async () => {
    const keys = await db.sequelize.query<{ table: string; columns: string[] }>(
      `SELECT t.relname AS "table", array_agg(a.attname ORDER BY a.attnum)::text[] AS columns
         FROM pg_constraint k
         JOIN pg_class t ON t.oid = k.conrelid
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (k.conkey)
        WHERE k.contype = 'p' AND t.relnamespace = current_schema()::regnamespace
        GROUP BY t.relname`,
      { type: QueryTypes.SELECT },
    );
    for (const table of tables()) {
      expect({ table, key: keys.find((k) => k.table === table)?.columns }).toEqual({ table, key: ['id'] });
      expect({ table, ...column(table, 'id') }).toMatchObject({ table, type: 'uuid', nullable: false, default: 'gen_random_uuid()' });
    }
  });

  it('maps every camelCase model attribute to its snake_case column, and every column to an attribute', () => {
    for (const model of Object.values(db.models)) {
      const table = model.getTableName() as string;
      const attributes: Record<string, ModelAttributeColumnOptions> = model.getAttributes();
      const fields = Object.entries(attributes).map(([attribute, definition]) => ({ attribute, field: definition.field }));
      for (const { attribute, field } of fields) {
        expect({ model: model.name, attribute, field }).toEqual({
          model: model.name,
          attribute,
          field: attribute.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
        });
      }
      const tableColumns = columns.filter((c) => c.table === table).map((c) => c.column);
      expect({ model: model.name, fields: fields.map((f) => f.field).sort() }).toEqual({ model: model.name, fields: tableColumns.sort() });
    }
  });

  it('writes through the camelCase attributes into the snake_case columns', async () => {
    const customerId = unique('cus');
    const organization = await db.createOrganization({ stripeCustomerId: customerId });
    const [row] = await db.sequelize.query<{ stripe_customer_id: string; created_at: Date }>(
      'SELECT stripe_customer_id, created_at FROM organizations WHERE id = $1',
      { bind: [organization.id], type: QueryTypes.SELECT },
    );

    expect(row).toEqual({ stripe_customer_id: customerId, created_at: organization.createdAt });
  });
});

/** A `json` column: no equality operator (DISTINCT, GROUP BY, UNION fail), reparsed on every read. */
import { alterCommands, findAll, rangeVarName, typeName } from '../parse';
import type { Rule } from './types';

export const jsonColumn: Rule = {
  id: 'json-column',
  title: 'a json column (use jsonb)',
  lock: 'none of its own: the cost comes later (no equality operator, so DISTINCT, GROUP BY and UNION fail; reparsed on every read)',
  recipe: () => ["Use jsonb: DataTypes.JSONB in Sequelize, `jsonb` in SQL. (Keep json only to preserve key order or duplicate keys.)"],
  check(statement) {
    const { kind, node } = statement;
    const table = rangeVarName(node?.relation);
    let columns: { colname?: string; typeName?: unknown; location?: number }[] = [];
    if (kind === 'CreateStmt') columns = findAll(node.tableElts, 'ColumnDef');
    else if (kind === 'AlterTableStmt') {
      columns = alterCommands(statement)
        .filter((cmd) => cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_AlterColumnType')
        .map((cmd) => ({ ...cmd.def?.ColumnDef, colname: cmd.def?.ColumnDef?.colname ?? cmd.name }));
    }
    return columns
      .filter((column) => typeName(column.typeName) === 'json')
      .map((column) => ({ message: `${table}.${column.colname} is json: use jsonb`, table, location: column.location }));
  },
};

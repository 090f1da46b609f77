/**
 * What the author of a `change` migration writes against. The calls are Sequelize's own; the only
 * additions are the hints that make a destructive call reversible: `from` (what was there before the
 * call) and, for bulkInsert, `key` (which columns identify the inserted rows). updown strips them
 * before the call reaches Sequelize.
 */
import type {
  AddConstraintOptions,
  DataType,
  FunctionParam,
  IndexesOptions,
  ModelAttributeColumnOptions,
  ModelAttributes,
  QueryInterface,
  QueryInterfaceDropTableOptions,
  QueryInterfaceIndexOptions,
  QueryInterfaceOptions,
  QueryOptions,
  TableName,
} from 'sequelize';
import type { MigrationContext } from '../types';

/** A column as addColumn takes it: what removeColumn and changeColumn need as `from`. */
export type ColumnDefinition = ModelAttributeColumnOptions | DataType;

/** An index as addIndex takes it, without its name (removeIndex already has it). */
export type IndexDefinition = Omit<IndexesOptions, 'name'>;

/** A constraint as addConstraint takes it, without its name (removeConstraint already has it). */
export type ConstraintDefinition = Omit<AddConstraintOptions, 'name'>;

/** The rest of createFunction's arguments. */
export interface FunctionDefinition {
  returnType: string;
  language: string;
  body: string;
  optionsArray?: string[];
}

/** The rest of createTrigger's arguments. */
export interface TriggerDefinition {
  timingType: string;
  fireOnArray: { [key: string]: unknown }[];
  functionName: string;
  functionParams: FunctionParam[];
  optionsArray?: string[];
}

/** The methods whose signature gains a hint; every other method is QueryInterface's own. */
type Hinted = 'removeColumn' | 'changeColumn' | 'dropTable' | 'removeIndex' | 'removeConstraint' | 'dropFunction' | 'dropTrigger' | 'bulkInsert';

/** `context.queryInterface` inside `change`: Sequelize's QueryInterface, plus the reversal hints. */
export interface ChangeQueryInterface extends Omit<QueryInterface, Hinted> {
  /** Reversible with `from`: down adds the column back with that definition. */
  removeColumn(table: TableName, column: string, options?: QueryInterfaceOptions & { from?: ColumnDefinition }): Promise<void>;
  /** Reversible with `from`: down changes the column back to that definition. */
  changeColumn(table: TableName, column: string, to: ColumnDefinition, options?: QueryInterfaceOptions & { from?: ColumnDefinition }): Promise<void>;
  /** Reversible with `from` (the createTable attributes): down creates the table again. */
  dropTable(table: TableName, options?: QueryInterfaceDropTableOptions & { from?: ModelAttributes }): Promise<void>;
  /** By name: reversible with `from` (its fields and options). */
  removeIndex(table: TableName, indexName: string, options?: QueryInterfaceIndexOptions & { from?: IndexDefinition & Required<Pick<IndexesOptions, 'fields'>> }): Promise<void>;
  /** By columns: reversible with `from` (`{}` for a plain index, `{ unique: true }`, …). */
  removeIndex(table: TableName, attributes: string[], options?: QueryInterfaceIndexOptions & { from?: Omit<IndexDefinition, 'fields'> }): Promise<void>;
  /** Reversible with `from`: down adds the constraint back under the same name. */
  removeConstraint(table: TableName, constraintName: string, options?: QueryInterfaceOptions & { from?: ConstraintDefinition }): Promise<void>;
  /** Reversible with `from`: down creates the function again. */
  dropFunction(name: string, params: FunctionParam[], options?: QueryInterfaceOptions & { from?: FunctionDefinition }): Promise<void>;
  /** Reversible with `from`: down creates the trigger again. */
  dropTrigger(table: TableName, triggerName: string, options?: QueryInterfaceOptions & { from?: TriggerDefinition }): Promise<void>;
  /** Reversible with `key`: down deletes the rows whose key columns hold the inserted values. */
  bulkInsert(
    table: TableName,
    records: object[],
    options?: QueryOptions & { key?: string | string[] },
    attributes?: Record<string, ModelAttributeColumnOptions>,
  ): Promise<object | number>;
}

/** What `change` receives as `{ context }`: the migration context, with the hinted queryInterface. */
export interface ChangeContext extends Omit<MigrationContext, 'queryInterface'> {
  queryInterface: ChangeQueryInterface;
}

/** The signature of `change` in a migration or seed file. */
export type Change = (params: { name: string; path?: string; context: ChangeContext }) => Promise<unknown>;

/**
 * The one place identifiers are quoted. Values never go through here: they are bound parameters.
 */
export function quoteIdent(identifier: string): string {
  if (identifier.length === 0) throw new Error('an SQL identifier cannot be empty');
  if (identifier.includes('\u0000')) throw new Error('an SQL identifier cannot contain a NUL character');
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** `"schema"."name"` */
export function qualify(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

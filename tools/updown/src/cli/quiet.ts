/**
 * pg 8.23 warns (DeprecationWarning) when a client gets a query while one is running. Sequelize
 * does that itself, for a table with two or more ENUM columns inside a transaction; the queries
 * still run in order. The warning says nothing a migration author can act on, so the CLI drops
 * that one warning and lets every other through.
 */
const PG_OVERLAP = 'Calling client.query() when the client is already executing a query';

export function silencePgOverlapWarning(): void {
  const marked = process as NodeJS.Process & { updownQuiet?: boolean };
  if (marked.updownQuiet) return;
  marked.updownQuiet = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.startsWith(PG_OVERLAP)) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/**
 * A database URL is checked before anything connects: `notaurl` would otherwise reach pg as a
 * database name on localhost (or a host name to resolve), and the user would read a DNS or
 * connection error about something they never typed. Pure: `checkDatabaseUrl` (connection.ts)
 * turns a problem into the refusal (exit 2).
 */
const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);
const EXAMPLE = 'postgres://user:password@host:5432/database';

/** What is wrong with `url` as a PostgreSQL URL, or undefined when nothing is. */
export function urlProblem(url: string): string | undefined {
  if (url.trim() === '') return 'is empty';
  // pg also takes a socket folder (`/var/run/postgresql dbname`) and `socket:` URLs.
  if (url.startsWith('/') || url.startsWith('socket:')) return undefined;
  // `localhost:5432/app` is a host and a port, not a `localhost:` scheme.
  const scheme = /^([a-z][a-z0-9+.-]*):(?!\d)/i.exec(url)?.[1];
  if (!scheme) return `is not a URL (no scheme such as postgres://): write it as ${EXAMPLE}`;
  if (!POSTGRES_PROTOCOLS.has(`${scheme.toLowerCase()}:`)) {
    return `is a ${scheme}: URL; updown works with PostgreSQL only: write it as ${EXAMPLE}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `cannot be read as a URL (a port that is not a number? a password with an unescaped @, / or #? encode it with encodeURIComponent): write it as ${EXAMPLE}`;
  }
  if (parsed.port !== '' && !/^\d+$/.test(parsed.port)) return `has the port "${parsed.port}", which is not a number`;
  return undefined;
}

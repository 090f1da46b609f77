/**
 * What a test template is built from, as one sha256: the migrations' and seeds' names and checksums
 * (listFiles reads them without importing a module), whether seeds are applied, the schema, the
 * tenant schemas, and updown's CHECKSUM_VERSION. Same fingerprint, same template: it is kept;
 * another one, rebuilt.
 */
import { createHash } from 'node:crypto';
import { CHECKSUM_VERSION } from '../checksum';
import { listFiles } from '../loader';

export interface FingerprintInput {
  migrationsDir: string;
  /** Given only when the template is seeded. */
  seedsDir?: string;
  schema: string;
  /** Tenant schemas migrated besides `schema`; none leaves the fingerprint as it was before tenants existed. */
  tenants?: string[];
  /** Anything else the template depends on (e.g. an environment variable a seed reads). */
  extra?: string;
}

export function fingerprintOf(input: FingerprintInput): string {
  const hash = createHash('sha256');
  const line = (...parts: string[]) => hash.update(`${parts.join('\t')}\n`, 'utf8');
  line('updown test template', `checksum v${CHECKSUM_VERSION}`, `schema ${input.schema}`, `seed ${input.seedsDir ? 'yes' : 'no'}`);
  // Sorted: the same set in another order builds the same template. JSON: a name may hold a tab.
  if (input.tenants && input.tenants.length > 0) line('tenants', JSON.stringify([...input.tenants].sort()));
  for (const file of listFiles(input.migrationsDir)) line('migration', file.name, file.checksum);
  if (input.seedsDir) for (const file of listFiles(input.seedsDir)) line('seed', file.name, file.checksum);
  if (input.extra !== undefined) line('extra', input.extra);
  return hash.digest('hex');
}

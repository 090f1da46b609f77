/**
 * The template database: migrated (and seeded) once, then kept while its fingerprint is unchanged.
 *
 * The fingerprint lives in COMMENT ON DATABASE rather than in a table inside the template: a sealed
 * template refuses connections (ALLOW_CONNECTIONS false), and pg_database can be read from the
 * maintenance database without touching it. A database's comment is also not copied to its clones,
 * so each worker carries its own label.
 */
import type { Admin } from './admin';

export interface TemplateSpec {
  name: string;
  fingerprint: string;
  /** Migrates (and seeds) the empty database `name`; every connection it opened must be closed when it resolves. */
  build(name: string): Promise<void>;
}

export interface TemplateResult {
  name: string;
  /** False when the existing template had the same fingerprint. */
  rebuilt: boolean;
  durationMs: number;
}

/** Keeps the template when it is sealed and labelled with `fingerprint`; otherwise drops it and builds it again. */
export async function ensureTemplate(admin: Admin, spec: TemplateSpec): Promise<TemplateResult> {
  const started = Date.now();
  const [current] = (await admin.list(spec.name)).filter((db) => db.name === spec.name);
  const label = current?.label;
  if (current?.isTemplate && !current.allowConnections && label?.updown === 'template' && label.fingerprint === spec.fingerprint) {
    return { name: spec.name, rebuilt: false, durationMs: Date.now() - started };
  }
  await admin.drop(spec.name);
  await admin.create(spec.name);
  // Labelled only once sealed: a build that dies half-way leaves no fingerprint, so the next run rebuilds.
  await admin.label([[spec.name, { updown: 'template', state: 'building' }]]);
  try {
    await spec.build(spec.name);
    await admin.seal(spec.name);
  } catch (error) {
    await admin.drop(spec.name).catch(() => undefined);
    throw error;
  }
  await admin.label([[spec.name, { updown: 'template', fingerprint: spec.fingerprint }]]);
  return { name: spec.name, rebuilt: true, durationMs: Date.now() - started };
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';

/**
 * Version 1: sha256 of the source as UTF-8 with a leading BOM removed and CRLF/CR turned into LF,
 * so a checkout with other line endings is not an edit. Stored next to the checksum, so the
 * normalisation can change later without every history looking edited.
 */
export const CHECKSUM_VERSION = 1;

export function checksumOf(source: string | Buffer): string {
  const text = (typeof source === 'string' ? source : source.toString('utf8')).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function checksumOfFile(path: string): string {
  return checksumOf(fs.readFileSync(path));
}

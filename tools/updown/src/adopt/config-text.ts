import path from 'node:path';
import type { StreamKind, StreamLayout } from '../types';

export interface ConfigStream {
  kind: StreamKind;
  dir: string;
  layout: StreamLayout;
}

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function value(item: unknown): string {
  if (typeof item === 'string') return quote(item);
  if (Array.isArray(item)) return `[${item.map(value).join(', ')}]`;
  if (typeof item === 'object' && item !== null) return `{ ${Object.entries(item).map(([key, inner]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key)}: ${value(inner)}`).join(', ')} }`;
  return String(item);
}

function streamLine(stream: ConfigStream, root: string): string {
  const dir = path.relative(root, stream.dir).split(path.sep).join('/') || '.';
  const fields = Object.entries({ dir, ...stream.layout }).filter(([, item]) => item !== undefined);
  return `  ${stream.kind}: { ${fields.map(([key, item]) => `${key}: ${value(item)}`).join(', ')} },`;
}

/**
 * The updown.config.ts that says what updown read from another tool's project. It names no
 * database: that stays in --url or DATABASE_URL, so no secret is ever written into it.
 */
export function configText(root: string, streams: ConfigStream[], comments: string[]): string {
  return [
    "import type { UpdownConfig } from 'updown';",
    '',
    ...comments.map((line) => `// ${line}`),
    'const config: UpdownConfig = {',
    ...streams.map((stream) => streamLine(stream, root)),
    '};',
    '',
    'export default config;',
    '',
  ].join('\n');
}

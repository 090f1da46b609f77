/**
 * Migrations, seeds and the config file are TypeScript loaded with no build step. ts-node with
 * SWC transpiles them (about 0.5 s for 200 files; type-checking would take 8–9 s). When a host
 * already handles `.ts` (Jest, ts-node, tsx), nothing is registered.
 */
export function registerTypeScript(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  // Inside Jest, `require.extensions` is absent or empty and Jest's own transform loads `.ts`.
  const extensions = require.extensions;
  if (!extensions || Object.keys(extensions).length === 0 || extensions['.ts']) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('ts-node').register({ swc: true, transpileOnly: true, compilerOptions: { module: 'commonjs' } });
}

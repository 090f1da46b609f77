/**
 * The PostgreSQL server the tests run against: TEST_DATABASE_URL's, else DATABASE_URL's, else the
 * project's embedded PostgreSQL (started, or reused when it already runs on the data folder).
 *
 * Memoised per process on globalThis, so that two Jest globalSetup modules (one per project) that run
 * in the same process share one server. Each ensureTestServer() takes a reference; the server is
 * stopped when the last reference is released, and only if this process owns it (started it, or
 * adopted it from a process that died).
 */
import path from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../embedded';

export interface TestServer {
  /** The URL as given in the environment, or the embedded maintenance URL (postgres://postgres@127.0.0.1:PORT/postgres). */
  url: string;
  /** 'env' when the URL came from TEST_DATABASE_URL / DATABASE_URL. */
  source: 'env' | 'embedded';
  /** Releases this reference; the last release stops an embedded server this process started. Idempotent. */
  stop(): Promise<void>;
}

export interface EnsureTestServerOptions {
  /** The embedded cluster's data folder (absolute); default `<cwd>/.updown/embedded`. */
  dataDir?: string;
  /** Receives the embedded server's messages; default: only permission fallbacks, initdb and adoptions go to stderr. */
  log?: (message: string) => void;
}

interface State {
  server: Promise<{ url: string; source: 'env' | 'embedded'; embedded?: EmbeddedServer }>;
  refs: number;
}

const KEY = Symbol.for('updown.testing.server');

function holder(): Record<symbol, State | undefined> {
  return globalThis as unknown as Record<symbol, State | undefined>;
}

const defaultLog = (message: string): void => {
  if (/cannot reach|initialising|adopted/.test(message) || process.env.UPDOWN_DEBUG) process.stderr.write(`updown: ${message}\n`);
};

export async function ensureTestServer(options: EnsureTestServerOptions = {}): Promise<TestServer> {
  const store = holder();
  let state = store[KEY];
  if (!state) {
    const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
    const created: State = {
      refs: 0,
      server: given
        ? Promise.resolve({ url: given, source: 'env' as const })
        : startEmbedded({
            dataDir: path.resolve(options.dataDir ?? path.join(process.cwd(), '.updown', 'embedded')),
            log: options.log ?? defaultLog,
          }).then((embedded) => ({ url: embedded.url, source: 'embedded' as const, embedded })),
    };
    store[KEY] = state = created;
    created.server.catch(() => {
      if (store[KEY] === created) store[KEY] = undefined; // a later call may try again
    });
  }
  state.refs += 1;
  let resolved;
  try {
    resolved = await state.server;
  } catch (error) {
    state.refs -= 1;
    throw error;
  }
  let released = false;
  const current = state;
  return {
    url: resolved.url,
    source: resolved.source,
    stop: async () => {
      if (released) return;
      released = true;
      await release(current);
    },
  };
}

/** Releases one reference taken by ensureTestServer() (for globalTeardown modules that kept no handle). */
export async function stopTestServer(): Promise<void> {
  const state = holder()[KEY];
  if (state && state.refs > 0) await release(state);
}

async function release(state: State): Promise<void> {
  state.refs -= 1;
  if (state.refs > 0) return;
  const store = holder();
  if (store[KEY] === state) store[KEY] = undefined;
  const { embedded } = await state.server;
  await embedded?.stop(); // a no-op for a server reused from another live process
}

/**
 * Servers this process owns (started, or adopted from a process that died): stop() for each, and
 * stopping all of them when this process exits or gets SIGINT / SIGTERM / SIGHUP. Only a SIGKILL
 * leaves a server running; the next start then adopts it (see owner.ts).
 *
 * Servers are handled by pid, not as child processes: an adopted one is not our child.
 */
import { readPostmasterPid } from './postmaster';
import { isPostgresAlive, signalPostgres, sleep } from './processes';

const STOP_TIMEOUT_MS = 30_000;

interface Owned {
  pid: number;
  dataDir: string;
}

interface Registry {
  servers: Set<Owned>;
  hooked: boolean;
}

// On globalThis: Jest gives each test file its own copy of this module in one process, and they must
// share one list and one set of process hooks.
const REGISTRY = Symbol.for('updown.embedded.owned');

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY] ??= { servers: new Set(), hooked: false });
}

/** Takes charge of the server `pid` and returns its stop(): idempotent, resolves once the server is gone. */
export function own(pid: number, dataDir: string): () => Promise<void> {
  const entry: Owned = { pid, dataDir };
  const reg = registry();
  reg.servers.add(entry);
  installExitHooks(reg);
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stopServer(entry.pid).finally(() => reg.servers.delete(entry)));
}

/** SIGINT is PostgreSQL's fast shutdown (abort open transactions, checkpoint, exit); escalate if it hangs. */
async function stopServer(pid: number): Promise<void> {
  const steps: Array<[NodeJS.Signals, number]> = [['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', 5_000], ['SIGKILL', Infinity]];
  for (const [name, timeoutMs] of steps) {
    signalPostgres(pid, name);
    if (await waitGone(pid, timeoutMs)) return;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isPostgresAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Synchronous fast shutdown of every server still running: an 'exit' handler cannot wait for promises. */
function stopAllSync(reg: Registry): void {
  const pending = [...reg.servers];
  for (const server of pending) signalPostgres(server.pid, 'SIGINT');
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10_000;
  // The postmaster removes postmaster.pid as the last step of its shutdown. (Our own child cannot be
  // reaped here, with no event loop: where a zombie looks alive, postmaster.pid tells it is done.)
  const running = (server: Owned): boolean => isPostgresAlive(server.pid) && readPostmasterPid(server.dataDir)?.pid === server.pid;
  for (const server of pending) {
    while (Date.now() < deadline && running(server)) Atomics.wait(sleeper, 0, 0, 10);
    if (running(server)) signalPostgres(server.pid, 'SIGQUIT');
    reg.servers.delete(server);
  }
}

function installExitHooks(reg: Registry): void {
  if (reg.hooked) return;
  reg.hooked = true;
  process.on('exit', () => stopAllSync(reg));
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      stopAllSync(reg);
      // Keep the default behaviour (die by that signal) unless someone else handles it.
      if (process.listenerCount(name) === 1) {
        process.removeListener(name, handler);
        process.kill(process.pid, name);
      }
    };
    process.on(name, handler);
  }
}

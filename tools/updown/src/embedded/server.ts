/**
 * The postgres process: finding the one that runs on a data folder, and starting one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { readPostmasterPid, type PostmasterPid } from './postmaster';
import { childEnv, isPostgresAlive, sleep } from './processes';
import type { RunAs } from './user';

const LOG_FILE = 'updown-server.log';

/** The server running on `dataDir` once it is ready; undefined when none runs (or it stopped meanwhile). */
export async function waitForRunning(dataDir: string, deadline: number): Promise<PostmasterPid | undefined> {
  for (;;) {
    const running = readPostmasterPid(dataDir);
    if (!running || !isPostgresAlive(running.pid)) return undefined;
    if (running.status === 'ready' && running.port > 0) {
      if (await acceptsTcp(running.port)) return running;
      throw new Error(
        `embedded PostgreSQL: a server (pid ${running.pid}) runs on ${dataDir} but does not accept connections on 127.0.0.1:${running.port}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL: the server on ${dataDir} (pid ${running.pid}) stays "${running.status}"`);
    await sleep(25); // starting or stopping: look again shortly
  }
}

export type SpawnOutcome =
  | { kind: 'started'; server: PostmasterPid }
  /** Another postgres holds postmaster.pid (it started first). */
  | { kind: 'locked'; output: string }
  | { kind: 'port-taken'; output: string }
  | { kind: 'failed'; output: string };

export async function spawnServer(postgresBin: string, dataDir: string, port: number, runAs: RunAs | undefined, deadline: number): Promise<SpawnOutcome> {
  const log = openLog(dataDir);
  let child: ChildProcess;
  try {
    const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'synchronous_commit=off', 'logging_collector=off'];
    const args = ['-D', dataDir, '-p', String(port), ...settings.flatMap((setting) => ['-c', setting])];
    child = spawn(postgresBin, args, { ...(runAs ?? {}), env: childEnv(), stdio: ['ignore', log.fd, log.fd] });
  } finally {
    fs.closeSync(log.fd);
  }
  return waitUntilReady(child, dataDir, log.read, deadline);
}

/**
 * The server writes to a file in the data folder, not to a pipe: it must not depend on us reading
 * it, and a pipe would keep this process alive. `read` returns what this start appended.
 */
function openLog(dataDir: string): { fd: number; read: () => string } {
  const logPath = path.join(dataDir, LOG_FILE);
  try {
    if (fs.statSync(logPath).size > 5 * 1024 * 1024) fs.renameSync(logPath, `${logPath}.old`);
  } catch {
    // no log yet
  }
  const fd = fs.openSync(logPath, 'a');
  const offset = fs.fstatSync(fd).size;
  const read = (): string => {
    try {
      return fs.readFileSync(logPath).subarray(offset).toString('utf8');
    } catch {
      return '';
    }
  };
  return { fd, read };
}

async function waitUntilReady(child: ChildProcess, dataDir: string, readLog: () => string, deadline: number): Promise<SpawnOutcome> {
  let exited: Error | true | undefined;
  child.once('exit', () => (exited ??= true));
  child.once('error', (error) => (exited = error));
  for (;;) {
    await sleep(15);
    if (exited) return classifyFailure(exited === true ? readLog() : `${exited.message}\n${readLog()}`);
    const pidFile = readPostmasterPid(dataDir);
    if (pidFile && pidFile.pid === child.pid && pidFile.status === 'ready') {
      child.unref(); // a running server must not keep this process alive; exit hooks stop it
      return { kind: 'started', server: pidFile };
    }
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      return { kind: 'failed', output: `no "ready" in postmaster.pid in time\n${readLog()}` };
    }
  }
}

function classifyFailure(output: string): SpawnOutcome {
  if (/lock file "postmaster\.pid" already exists/.test(output)) return { kind: 'locked', output };
  if (/could not bind|could not create any TCP\/IP sockets|Address already in use/i.test(output)) return { kind: 'port-taken', output };
  return { kind: 'failed', output };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

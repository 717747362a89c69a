import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { LOCAL_DIR, freePort, portOpen, runToCompletion, sleep, spawnService, type RunningService } from './process';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const PRISMA = path.join(ROOT, 'node_modules', '.bin', 'prisma');

export interface Database {
  url: string;
  /** Where it came from: the user's DATABASE_URL, a local PostgreSQL server or embedded PGlite. */
  kind: 'external' | 'postgres' | 'pglite';
  stop(): Promise<void>;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Migration folders not yet recorded as applied; undefined when the database has no migration table. */
async function pendingMigrations(url: string): Promise<string[] | undefined> {
  const committed = fs
    .readdirSync(path.join(ROOT, 'prisma', 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const applied = await client.query<{ migration_name: string }>(
      'select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null',
    );
    const done = new Set(applied.rows.map((row) => row.migration_name));
    return committed.filter((name) => !done.has(name));
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Applies the committed migrations with `prisma migrate deploy`. The CLI takes ~10 s to start, so a
 * database that already has every migration is recognised first and left alone.
 */
export async function migrate(url: string): Promise<void> {
  const pending = await pendingMigrations(url);
  if (pending && pending.length === 0) return;
  await runToCompletion('prisma-migrate', PRISMA, ['migrate', 'deploy'], { DATABASE_URL: url }, ROOT);
}

/** Embedded Postgres for `npm run dev`: PGlite served on a local port, data kept under .local/data. */
export async function startPglite(opts: { dataDir: string; port: number }): Promise<Database> {
  if (await portOpen(opts.port)) throw new Error(`port ${opts.port} is taken; set DEV_PG_PORT or DATABASE_URL`);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const url = `postgresql://postgres:postgres@127.0.0.1:${opts.port}/postgres?sslmode=disable`;
  const service: RunningService = await spawnService({
    name: 'pglite',
    command: TSX,
    args: [path.join(__dirname, 'pglite-server.ts'), opts.dataDir, String(opts.port)],
    ready: () => canConnect(url),
    timeoutMs: 60_000,
  });
  return { url, kind: 'pglite', stop: () => service.stop() };
}

const CLUSTER_ROLE = 'sender';
const CLUSTER_PASSWORD = 'sender';

/** Runs SQL as the cluster's superuser over the local socket (peer auth); the SQL goes in on stdin, untouched by any shell. */
function asPostgres(sql: string): void {
  execFileSync('su', ['postgres', '-c', 'psql -v ON_ERROR_STOP=1 -qAt'], { input: sql, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * A local Debian PostgreSQL cluster (pg_lsclusters), started if it is down, with a login role for the
 * tests. Returns the server URL without a database, or undefined where none is installed.
 */
export async function localPostgresServer(): Promise<string | undefined> {
  let clusters: string;
  try {
    clusters = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const first = clusters.split('\n').find((line) => line.trim());
  if (!first) return undefined;
  const [version, name, port, status] = first.trim().split(/\s+/);
  if (status !== 'online') {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version!, name!, 'start'], { stdio: 'pipe' });
    for (let i = 0; i < 40 && !(await portOpen(Number(port))); i++) await sleep(250);
  }
  const server = `postgresql://${CLUSTER_ROLE}:${CLUSTER_PASSWORD}@127.0.0.1:${port}`;
  if (!(await canConnect(`${server}/postgres`))) {
    asPostgres(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname='${CLUSTER_ROLE}') THEN CREATE ROLE ${CLUSTER_ROLE} LOGIN CREATEDB PASSWORD '${CLUSTER_PASSWORD}'; ELSE ALTER ROLE ${CLUSTER_ROLE} LOGIN CREATEDB PASSWORD '${CLUSTER_PASSWORD}'; END IF; END $$;`,
    );
  }
  return server;
}

/** Creates a fresh, uniquely named database on a server URL and returns its URL; stop() drops it. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<Database> {
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid}`;
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  // Databases left by runs that were killed before they could drop theirs.
  const stale = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname like $1 and datname <> $2`,
    [`${prefix}\\_%`, name],
  );
  for (const row of stale.rows) {
    const pid = Number(row.datname.split('_').at(-1));
    if (pid && !processAlive(pid)) await admin.query(`drop database if exists "${row.datname}" with (force)`).catch(() => undefined);
  }
  await admin.query(`create database "${name}"`);
  await admin.end();
  return {
    url: `${serverUrl}/${name}`,
    kind: 'postgres',
    async stop() {
      const client = new Client({ connectionString: `${serverUrl}/postgres` });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
      await client.end();
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The test database: DATABASE_URL if set (used as given, migrated), else a fresh database on the
 * local PostgreSQL server, else embedded PGlite in a temporary folder.
 */
export async function testDatabase(): Promise<Database> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, kind: 'external', stop: async () => undefined };
  const server = await localPostgresServer().catch((error: Error) => {
    console.warn(`local PostgreSQL not usable (${error.message.split('\n')[0]}); falling back to PGlite`);
    return undefined;
  });
  if (server) return createScratchDatabase(server, 'sender_test');
  fs.mkdirSync(LOCAL_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(LOCAL_DIR, 'pglite-test-'));
  const db = await startPglite({ dataDir, port: await freePort() });
  return { ...db, stop: async () => (await db.stop(), fs.rmSync(dataDir, { recursive: true, force: true })) };
}

/**
 * Mocha global fixtures: the real services every integration test talks to, started once per run by
 * the project's own tooling (scripts/infra) and stopped at the end. Each is replaced by the user's own
 * when TEMPORAL_ADDRESS, DATABASE_URL or KAFKA_BROKERS is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { ensureKafka, startKafka, type KafkaBroker } from '../../scripts/infra/kafka';
import { migrate, testDatabase, type Database } from '../../scripts/infra/postgres';
import { freePort } from '../../scripts/infra/process';
import { ensureTemporalCli, startTemporal, type TemporalServer } from '../../scripts/infra/temporal';
import { createDb, type Db } from '../../src/db/client';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker';

export interface Stack {
  temporal: TemporalServer;
  database: Database;
  db: Db;
  kafka: KafkaBroker;
  workflowBundle: WorkflowBundle;
}

let current: Stack | undefined;
let scratch: string | undefined;
let temporalPort: number | undefined;

/** True when the suite started Temporal itself (and so may stop and restart it). */
export function ownsTemporal(): boolean {
  return !process.env.TEMPORAL_ADDRESS;
}

/** Stops the Temporal server; the returned function starts it again on the same address and data. */
export async function stopTemporal(): Promise<() => Promise<void>> {
  if (!ownsTemporal()) throw new Error('Temporal is external (TEMPORAL_ADDRESS); the suite cannot restart it');
  const s = stack();
  await s.temporal.stop();
  return async () => {
    s.temporal = await startTemporal({ dataDir: path.join(scratch!, 'temporal'), port: temporalPort, ui: false });
  };
}

export function stack(): Stack {
  if (!current) throw new Error('the test stack is not running (mocha must load test/helpers/global.ts)');
  return current;
}

function timed<T>(label: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  return work.then((value) => {
    console.log(`  [stack] ${label} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return value;
  });
}

export async function mochaGlobalSetup(): Promise<void> {
  // Failure tests stop Temporal on purpose; the SDK's retry warnings would drown the report.
  const level = (process.env.TEST_TEMPORAL_LOG_LEVEL as 'WARN' | undefined) ?? 'ERROR';
  Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } } });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sender-test-'));
  const [temporal, database, kafka, workflowBundle] = await Promise.all([
    timed('temporal', (async () => {
      if (!process.env.TEMPORAL_ADDRESS) await ensureTemporalCli();
      temporalPort = await freePort();
      return startTemporal({ dataDir: path.join(scratch!, 'temporal'), port: temporalPort, ui: false });
    })()),
    timed('database', (async () => {
      const database = await testDatabase();
      await migrate(database.url);
      return database;
    })()),
    timed('kafka', (async () => {
      if (!process.env.KAFKA_BROKERS) await ensureKafka();
      return startKafka({ dataDir: path.join(scratch!, 'kafka'), port: await freePort(), controllerPort: await freePort() });
    })()),
    timed('workflow bundle', bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger })),
  ]);
  current = { temporal, database, db: createDb(database.url, 20), kafka, workflowBundle };
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (current) {
    await current.db.$disconnect().catch(() => undefined);
    await Promise.allSettled([current.temporal.stop(), current.kafka.stop(), current.database.stop()]);
  }
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log: () => undefined,
};

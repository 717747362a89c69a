import { NativeConnection } from '@temporalio/worker';
import { loadEnv } from '../config/env';
import { createDb } from '../db/client';
import { runMain } from '../lifecycle';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { startHealthServer } from '../health-server';
import { connectTemporal } from '../temporal/client';
import { createSendWorker } from './create-worker';
import { RecoverySweep } from './recovery';

/** The worker process: runs SendMessage workflows and their activities until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('worker', env.LOG_LEVEL);
  const db = createDb(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const metrics = createMetrics('worker');
  const worker = await createSendWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    db,
    logger,
    metrics,
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  });
  const client = await connectTemporal(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);
  const recovery = new RecoverySweep({ db, temporal: client, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
  recovery.start();
  const health = env.HEALTH_PORT
    ? await startHealthServer({ port: env.HEALTH_PORT, metrics: metrics.registry, ready: async () => worker.getState() === 'RUNNING' })
    : undefined;
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, address: env.TEMPORAL_ADDRESS }, 'worker started');
  // Worker.run installs SIGTERM/SIGINT handlers: it stops polling, lets in-flight tasks finish within
  // shutdownGraceTime, then resolves.
  try {
    await worker.run();
  } finally {
    await recovery.stop();
    health?.close();
    await client.connection.close();
    await connection.close();
    await db.$disconnect();
    logger.info('worker stopped');
  }
}

runMain(main);

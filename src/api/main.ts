import type { Server } from 'node:http';
import { loadEnv } from '../config/env';
import { createDb } from '../db/client';
import { ConfigReader } from '../db/config-reader';
import { onShutdown, runMain } from '../lifecycle';
import { createLogger } from '../logger';
import { MessageService } from '../messages/service';
import { createMetrics } from '../metrics';
import { connectTemporal } from '../temporal/client';
import { createApp } from './app';

/** The REST API process. */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('api', env.LOG_LEVEL);
  const db = createDb(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  const temporal = await connectTemporal(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);
  const messages = new MessageService({ db, config: new ConfigReader(db), temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
  const app = createApp({
    messages,
    logger,
    metrics: createMetrics('api').registry,
    bodyLimit: env.API_BODY_LIMIT,
    batchMax: env.API_BATCH_MAX,
    ready: async () => {
      await db.$queryRaw`select 1`;
      await temporal.workflowService.getSystemInfo({});
      return true;
    },
  });
  const server: Server = app.listen(env.API_PORT, env.API_HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  logger.info({ url: `http://${env.API_HOST}:${env.API_PORT}` }, 'api listening');

  onShutdown(logger, async () => {
    server.close();
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), env.SHUTDOWN_GRACE_MS).unref();
    await new Promise<void>((resolve) => server.once('close', () => resolve()));
    clearTimeout(forced);
    await temporal.connection.close();
    await db.$disconnect();
  });
}

runMain(main);

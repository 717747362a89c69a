import { loadEnv } from '../config/env';
import { createDb } from '../db/client';
import { ConfigReader } from '../db/config-reader';
import { startHealthServer } from '../health-server';
import { onShutdown, runMain } from '../lifecycle';
import { createLogger } from '../logger';
import { MessageService } from '../messages/service';
import { createMetrics } from '../metrics';
import { connectTemporal } from '../temporal/client';
import { startBridge } from './bridge';
import { createKafka } from './kafka';

/** The Kafka bridge process: send requests in, status events out. */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('bridge', env.LOG_LEVEL);
  const metrics = createMetrics('bridge');
  const db = createDb(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  const temporal = await connectTemporal(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);
  const messages = new MessageService({ db, config: new ConfigReader(db), temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
  const bridge = await startBridge({
    kafka: createKafka(env.KAFKA_BROKERS.split(','), env.KAFKA_CLIENT_ID),
    db,
    messages,
    logger,
    groupId: env.KAFKA_GROUP_ID,
    requestsTopic: env.KAFKA_REQUESTS_TOPIC,
    dlqTopic: env.KAFKA_DLQ_TOPIC,
    statusTopic: env.KAFKA_STATUS_TOPIC,
    maxRecordBytes: env.KAFKA_MAX_RECORD_BYTES,
    partitionsConcurrently: env.KAFKA_PARTITIONS_CONCURRENCY,
    statusIntervalMs: env.STATUS_PUBLISH_INTERVAL_MS,
    onDeadLetter: (code) => metrics.submitted.inc({ source: 'kafka', outcome: `dead-letter:${code}` }),
  });
  const health = env.HEALTH_PORT
    ? await startHealthServer({ port: env.HEALTH_PORT, metrics: metrics.registry, ready: async () => (await db.$queryRaw`select 1`, true) })
    : undefined;
  logger.info({ requests: env.KAFKA_REQUESTS_TOPIC, status: env.KAFKA_STATUS_TOPIC, dlq: env.KAFKA_DLQ_TOPIC, group: env.KAFKA_GROUP_ID }, 'bridge started');

  onShutdown(logger, async () => {
    logger.info({ deadLetters: bridge.requests.deadLetterCount, statusPublished: bridge.status.published }, 'bridge stopping');
    await bridge.stop();
    health?.close();
    await temporal.connection.close();
    await db.$disconnect();
  });
}

runMain(main);

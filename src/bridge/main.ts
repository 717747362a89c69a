import { Partitioners } from 'kafkajs';
import { loadEnv } from '../config/env';
import { createDb } from '../db/client';
import { ConfigReader } from '../db/config-reader';
import { startHealthServer } from '../health-server';
import { onShutdown, runMain } from '../lifecycle';
import { createLogger } from '../logger';
import { MessageService } from '../messages/service';
import { createMetrics } from '../metrics';
import { connectTemporal } from '../temporal/client';
import { createKafka } from './kafka';
import { RequestConsumer } from './request-consumer';
import { StatusPublisher } from './status-publisher';

/** The Kafka bridge process: send requests in, status events out. */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger('bridge', env.LOG_LEVEL);
  const metrics = createMetrics('bridge');
  const db = createDb(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  const temporal = await connectTemporal(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);
  const kafka = createKafka(env.KAFKA_BROKERS.split(','), env.KAFKA_CLIENT_ID);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: env.KAFKA_GROUP_ID, sessionTimeout: 30_000, heartbeatInterval: 3000, maxWaitTimeInMs: 500 });
  await producer.connect();
  await consumer.connect();

  const messages = new MessageService({ db, config: new ConfigReader(db), temporal, taskQueue: env.TEMPORAL_TASK_QUEUE, logger });
  const requests = new RequestConsumer({
    consumer,
    producer,
    messages,
    logger,
    requestsTopic: env.KAFKA_REQUESTS_TOPIC,
    dlqTopic: env.KAFKA_DLQ_TOPIC,
    maxRecordBytes: env.KAFKA_MAX_RECORD_BYTES,
    partitionsConcurrently: env.KAFKA_PARTITIONS_CONCURRENCY,
    onDeadLetter: (code) => metrics.submitted.inc({ source: 'kafka', outcome: `dead-letter:${code}` }),
  });
  const status = new StatusPublisher({ db, producer, topic: env.KAFKA_STATUS_TOPIC, logger, intervalMs: env.STATUS_PUBLISH_INTERVAL_MS });
  await requests.start();
  status.start();
  const health = env.HEALTH_PORT
    ? await startHealthServer({ port: env.HEALTH_PORT, metrics: metrics.registry, ready: async () => (await db.$queryRaw`select 1`, true) })
    : undefined;
  logger.info({ requests: env.KAFKA_REQUESTS_TOPIC, status: env.KAFKA_STATUS_TOPIC, dlq: env.KAFKA_DLQ_TOPIC, group: env.KAFKA_GROUP_ID }, 'bridge started');

  onShutdown(logger, async () => {
    logger.info({ deadLetters: requests.deadLetterCount, statusPublished: status.published }, 'bridge stopping');
    // disconnect() lets the batch in hand finish (records in flight are submitted and committed) before leaving the group.
    await consumer.disconnect();
    await status.stop();
    await producer.disconnect();
    health?.close();
    await temporal.connection.close();
    await db.$disconnect();
  });
}

runMain(main);

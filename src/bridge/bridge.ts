import { Partitioners, type Kafka } from 'kafkajs';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { MessageService } from '../messages/service';
import { RequestConsumer } from './request-consumer';
import { StatusPublisher } from './status-publisher';

export interface BridgeOptions {
  kafka: Kafka;
  db: Db;
  messages: MessageService;
  logger: Logger;
  groupId: string;
  requestsTopic: string;
  dlqTopic: string;
  statusTopic: string;
  maxRecordBytes: number;
  partitionsConcurrently: number;
  statusIntervalMs: number;
  onDeadLetter?: (code: string) => void;
}

export interface Bridge {
  requests: RequestConsumer;
  status: StatusPublisher;
  /** Lets the batch in hand finish and commit, leaves the group, then stops publishing. */
  stop(): Promise<void>;
}

/** web_mq: send requests in, status events out. The process (main.ts) and the tests wire it the same way. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { kafka, logger } = options;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  // maxWaitTimeInMs: kafkajs otherwise waits a whole fetch after a resume or an empty poll.
  const consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 30_000, heartbeatInterval: 3000, maxWaitTimeInMs: 500 });
  await producer.connect();
  await consumer.connect();
  const requests = new RequestConsumer({
    consumer,
    producer,
    messages: options.messages,
    logger,
    requestsTopic: options.requestsTopic,
    dlqTopic: options.dlqTopic,
    maxRecordBytes: options.maxRecordBytes,
    partitionsConcurrently: options.partitionsConcurrently,
    onDeadLetter: options.onDeadLetter,
  });
  const status = new StatusPublisher({ db: options.db, producer, topic: options.statusTopic, logger, intervalMs: options.statusIntervalMs });
  await requests.start();
  status.start();
  return {
    requests,
    status,
    async stop() {
      // disconnect() lets the batch in hand finish (records in flight are submitted and committed) before leaving the group.
      await consumer.disconnect();
      await status.stop();
      await producer.disconnect();
    },
  };
}

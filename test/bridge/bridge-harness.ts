import { randomUUID } from 'node:crypto';
import { Partitioners, type IHeaders, type Kafka } from 'kafkajs';
import { startBridge as startBridgeWith, type Bridge } from '../../src/bridge/bridge';
import { createKafka } from '../../src/bridge/kafka';
import { ensureTopics } from '../../src/bridge/topics';
import { createLogger } from '../../src/logger';
import type { MessageService } from '../../src/messages/service';
import { stack } from '../helpers/global';

export interface Topics {
  requests: string;
  dlq: string;
  status: string;
  group: string;
}

export interface ConsumedRecord {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

const logger = createLogger('bridge-test', process.env.TEST_LOG_LEVEL ?? 'silent');

export async function freshTopics(partitions = 6): Promise<Topics> {
  const id = randomUUID().slice(0, 8);
  const topics = { requests: `req-${id}`, dlq: `dlq-${id}`, status: `status-${id}`, group: `bridge-${id}` };
  await ensureTopics(stack().kafka.brokers, [
    { topic: topics.requests, partitions },
    { topic: topics.dlq, partitions: 1 },
    { topic: topics.status, partitions },
  ]);
  return topics;
}

export function kafka(): Kafka {
  return createKafka(stack().kafka.brokers, `test-${randomUUID().slice(0, 8)}`);
}

export async function produce(topic: string, records: { key?: string | null; value: string | Buffer | null; headers?: IHeaders }[]): Promise<void> {
  const producer = kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 500) await producer.send({ topic, messages: records.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning in the background; `records` grows as they arrive. */
export async function collect(topic: string): Promise<{ records: ConsumedRecord[]; stop(): Promise<void> }> {
  const consumer = kafka().consumer({ groupId: `collect-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: ConsumedRecord[] = [];
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      records.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)])),
        partition,
        offset: message.offset,
      });
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

/** The bridge run in-process over a test's own topics, wired exactly as src/bridge/main.ts wires it. */
export function startBridge(messages: MessageService, topics: Topics, options: { maxRecordBytes?: number } = {}): Promise<Bridge> {
  return startBridgeWith({
    kafka: kafka(),
    db: stack().db,
    messages,
    logger,
    groupId: topics.group,
    requestsTopic: topics.requests,
    dlqTopic: topics.dlq,
    statusTopic: topics.status,
    maxRecordBytes: options.maxRecordBytes ?? 256 * 1024,
    partitionsConcurrently: 6,
    statusIntervalMs: 100,
  });
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

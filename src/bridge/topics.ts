import { createKafka } from './kafka';

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/** Creates the topics that do not exist yet (dev and tests; production creates them up front). */
export async function ensureTopics(brokers: string[], topics: TopicSpec[]): Promise<void> {
  const admin = createKafka(brokers, 'temporal-sender-admin').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })) });
    }
  } finally {
    await admin.disconnect();
  }
}

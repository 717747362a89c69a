import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

/** One place that builds the Kafka client (kafkajs; why this client: docs/decisions.md). */
export function createKafka(brokers: string[], clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 8 },
    ...extra,
  });
}

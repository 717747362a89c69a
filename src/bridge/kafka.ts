import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';
import { createLogger } from '../logger';

/** kafkajs's own log lines go through the project's logger (JSON, redaction, LOG_LEVEL). */
const kafkaLogCreator: logCreator = () => {
  const logger = createLogger('kafkajs', process.env.KAFKAJS_LOG_LEVEL ?? 'warn');
  return ({ level, log }) => {
    const { message, ...rest } = log;
    if (level === logLevel.ERROR) logger.error(rest, message);
    else if (level === logLevel.WARN) logger.warn(rest, message);
    else if (level === logLevel.INFO) logger.info(rest, message);
    else logger.debug(rest, message);
  };
};

/** One place that builds the Kafka client (kafkajs; why this client: docs/decisions.md). */
export function createKafka(brokers: string[], clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.WARN, logCreator: kafkaLogCreator, ...extra });
}

import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { MessageService } from '../messages/service';
import { decodeRequestRecord } from './decode';

export interface RequestConsumerOptions {
  consumer: Consumer;
  producer: Producer;
  messages: MessageService;
  logger: Logger;
  requestsTopic: string;
  dlqTopic: string;
  maxRecordBytes: number;
  partitionsConcurrently: number;
  /** Records of one batch handled at once; offsets are committed in order behind them. */
  recordConcurrency?: number;
  onDeadLetter?: (code: string) => void;
}

const MAX_BACKOFF_MS = 30_000;

class Stopped extends Error {}

/**
 * web_mq: consumes send requests and hands each to MessageService.submit (the same path as the API).
 * An offset is committed only after every record before it was submitted (workflow started or found
 * started) or dead-lettered. Transient trouble (Temporal or the database down) holds the partition:
 * the record is retried with backoff, heartbeating, and nothing past it is committed.
 */
export class RequestConsumer {
  private deadLetters = 0;

  constructor(private readonly options: RequestConsumerOptions) {}

  get deadLetterCount(): number {
    return this.deadLetters;
  }

  async start(): Promise<void> {
    const { consumer, requestsTopic } = this.options;
    await consumer.subscribe({ topic: requestsTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const width = this.options.recordConcurrency ?? 16;
    for (let start = 0; start < batch.messages.length; start += width) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + width);
      try {
        await Promise.all(chunk.map((record) => this.handleUntilDone(batch.topic, batch.partition, record, payload)));
      } catch (error) {
        if (error instanceof Stopped) return; // not committed: whoever owns the partition next reprocesses, idempotently
        throw error;
      }
      const last = chunk[chunk.length - 1]!;
      resolveOffset(last.offset);
      if (isStale()) return;
      await this.options.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      await heartbeat();
    }
  }

  private async handleUntilDone(topic: string, partition: number, record: KafkaMessage, payload: EachBatchPayload): Promise<void> {
    let backoff = 250;
    for (;;) {
      try {
        await this.handle(topic, partition, record);
        return;
      } catch (error) {
        if (!payload.isRunning() || payload.isStale()) throw new Stopped();
        this.options.logger.warn(
          { topic, partition, offset: record.offset, code: error instanceof AppError ? error.code : undefined, err: error instanceof AppError ? undefined : error, retryInMs: backoff },
          'send request not accepted yet; holding the partition and retrying',
        );
        const until = Date.now() + backoff;
        while (Date.now() < until) {
          if (!payload.isRunning() || payload.isStale()) throw new Stopped();
          await payload.heartbeat().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Submits the record's requests, or dead-letters it; throws only for transient trouble. */
  private async handle(topic: string, partition: number, record: KafkaMessage): Promise<void> {
    const decoded = decodeRequestRecord(record, { topic, partition, offset: record.offset }, this.options.maxRecordBytes);
    if (decoded.kind === 'dead') return this.deadLetter(topic, partition, record, decoded.code, decoded.message);
    if (decoded.requests.length > 1) {
      // A batch record is all or nothing as far as validation goes: check every item before sending any.
      for (const [index, item] of decoded.requests.entries()) {
        try {
          await this.options.messages.prepare(item.request);
        } catch (error) {
          if (isPermanent(error)) return this.deadLetter(topic, partition, record, error.code, `messages.${index}: ${error.message}`);
          throw error;
        }
      }
    }
    for (const item of decoded.requests) {
      try {
        await this.options.messages.submit(item.request, { idempotencyKey: item.idempotencyKey, source: 'kafka' });
      } catch (error) {
        if (isPermanent(error)) return this.deadLetter(topic, partition, record, error.code, error.message);
        throw error;
      }
    }
  }

  private async deadLetter(topic: string, partition: number, record: KafkaMessage, code: string, reason: string): Promise<void> {
    const headers: IHeaders = {
      ...(record.headers ?? {}),
      'x-dlq-reason-code': code,
      'x-dlq-reason': reason,
      'x-dlq-source-topic': topic,
      'x-dlq-source-partition': String(partition),
      'x-dlq-source-offset': record.offset,
    };
    await this.options.producer.send({ topic: this.options.dlqTopic, messages: [{ key: record.key, value: record.value, headers }] });
    this.deadLetters++;
    this.options.onDeadLetter?.(code);
    this.options.logger.warn({ topic, partition, offset: record.offset, code, deadLetters: this.deadLetters }, 'send request dead-lettered');
  }
}

/** 4xx answers are about the request and will never succeed: dead-letter them. 5xx are retried. */
function isPermanent(error: unknown): error is AppError {
  return error instanceof AppError && error.status >= 400 && error.status < 500;
}

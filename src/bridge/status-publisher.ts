import type { Producer } from 'kafkajs';
import type { Db } from '../db/client';
import type { Logger } from '../logger';

/** Only one relay publishes at a time, across every bridge instance: this keeps per-message order. */
const RELAY_LOCK = 0x5e4d_0001;

interface OutboxRow {
  id: bigint;
  message_id: string;
  event_key: string;
  status: string;
  data: Record<string, unknown>;
  at: Date;
  scene_code: string;
  source: string;
}

export interface StatusEvent {
  eventId: string;
  messageId: string;
  status: string;
  at: string;
  scene: string;
  source: string;
  channel?: string;
  gateway?: string;
  providerMessageId?: string;
  code?: string;
  reason?: string;
}

/**
 * Publishes every status change of every message to the status topic, keyed by message id, with an
 * `event-id` header for de-duplication. The status events in message_event are the outbox: written
 * in the same transaction as the status change, published here and then marked, so a crash between
 * the two publishes an event twice (same event id), never loses one.
 */
export class StatusPublisher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  published = 0;

  constructor(
    private readonly options: { db: Db; producer: Producer; topic: string; logger: Logger; intervalMs: number; batchSize?: number },
  ) {}

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      let sent = 0;
      try {
        sent = await this.publishOnce();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'status publishing failed; will retry');
      }
      if (!this.stopped) this.timer = setTimeout(() => (this.running = loop()), sent > 0 ? 0 : this.options.intervalMs);
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One relay pass; returns how many events it published. */
  async publishOnce(): Promise<number> {
    const limit = this.options.batchSize ?? 500;
    return this.options.db.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${RELAY_LOCK}) as locked`;
        if (!lock?.locked) return 0;
        const rows = await tx.$queryRaw<OutboxRow[]>`
          select e.id, e.message_id, e.event_key, e.status::text as status, e.data, e.at, m.scene_code, m.source
          from message_event e join message m on m.id = e.message_id
          where e.published_at is null and e.type = 'status'
          order by e.id
          limit ${limit}`;
        if (rows.length === 0) return 0;
        await this.options.producer.send({
          topic: this.options.topic,
          acks: -1,
          messages: rows.map((row) => {
            const event = toStatusEvent(row);
            return {
              key: row.message_id,
              value: JSON.stringify(event),
              headers: { 'event-id': event.eventId, 'message-id': row.message_id, status: row.status },
            };
          }),
        });
        await tx.$executeRaw`update message_event set published_at = now() where id = any(${rows.map((r) => r.id)}::bigint[])`;
        this.published += rows.length;
        return rows.length;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }
}

function toStatusEvent(row: OutboxRow): StatusEvent {
  const data = row.data ?? {};
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  return {
    eventId: `${row.message_id}:${row.event_key}`,
    messageId: row.message_id,
    status: row.status,
    at: row.at.toISOString(),
    scene: row.scene_code,
    source: row.source,
    gateway: text('gateway'),
    providerMessageId: text('providerMessageId'),
    code: text('code'),
    reason: text('reason'),
  };
}

-- Status events double as the outbox of the Kafka status topic (see src/bridge/status-publisher.ts).
ALTER TABLE "message_event" ADD COLUMN "published_at" TIMESTAMP(3);

-- The relay only ever reads unpublished status events, oldest first.
CREATE INDEX "message_event_unpublished_status_idx" ON "message_event" ("id") WHERE "published_at" IS NULL AND "type" = 'status';

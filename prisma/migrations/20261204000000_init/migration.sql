-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ChannelType" AS ENUM ('SMS', 'EMAIL', 'PUSH', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "GatewayStrategy" AS ENUM ('PRIORITY_WEIGHTED', 'WEIGHTED');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('PENDING', 'SENDING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED');

-- CreateTable
CREATE TABLE "scene" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "channel_order" "ChannelType"[],
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scene_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "scene_template" (
    "scene_code" TEXT NOT NULL,
    "channel" "ChannelType" NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,

    CONSTRAINT "scene_template_pkey" PRIMARY KEY ("scene_code","channel")
);

-- CreateTable
CREATE TABLE "channel" (
    "type" "ChannelType" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "strategy" "GatewayStrategy" NOT NULL DEFAULT 'PRIORITY_WEIGHTED',
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "channel_pkey" PRIMARY KEY ("type")
);

-- CreateTable
CREATE TABLE "gateway" (
    "code" TEXT NOT NULL,
    "channel_type" "ChannelType" NOT NULL,
    "provider_kind" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "credentials" JSONB NOT NULL DEFAULT '{}',
    "weight" INTEGER NOT NULL DEFAULT 100,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "timeout_ms" INTEGER NOT NULL DEFAULT 5000,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "gateway_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "message" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT,
    "request_hash" TEXT NOT NULL,
    "scene_code" TEXT NOT NULL,
    "recipient" JSONB NOT NULL,
    "recipient_index" TEXT[],
    "variables" JSONB NOT NULL DEFAULT '{}',
    "content" JSONB,
    "channel" "ChannelType",
    "gateway_code" TEXT,
    "status" "MessageStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "provider_message_id" TEXT,
    "error_code" TEXT,
    "error_message" TEXT,
    "workflow_id" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'api',
    "send_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "sent_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message_event" (
    "id" BIGSERIAL NOT NULL,
    "message_id" UUID NOT NULL,
    "event_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" "MessageStatus",
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "gateway_channel_type_idx" ON "gateway"("channel_type");

-- CreateIndex
CREATE UNIQUE INDEX "message_idempotency_key_key" ON "message"("idempotency_key");

-- CreateIndex
CREATE INDEX "message_scene_code_created_at_idx" ON "message"("scene_code", "created_at");

-- CreateIndex
CREATE INDEX "message_status_created_at_idx" ON "message"("status", "created_at");

-- CreateIndex
CREATE INDEX "message_created_at_id_idx" ON "message"("created_at", "id");

-- CreateIndex
CREATE INDEX "message_recipient_index_idx" ON "message" USING GIN ("recipient_index");

-- CreateIndex
CREATE INDEX "message_event_message_id_id_idx" ON "message_event"("message_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "message_event_message_id_event_key_key" ON "message_event"("message_id", "event_key");

-- AddForeignKey
ALTER TABLE "scene_template" ADD CONSTRAINT "scene_template_scene_code_fkey" FOREIGN KEY ("scene_code") REFERENCES "scene"("code") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gateway" ADD CONSTRAINT "gateway_channel_type_fkey" FOREIGN KEY ("channel_type") REFERENCES "channel"("type") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_event" ADD CONSTRAINT "message_event_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE CASCADE;


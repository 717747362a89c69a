import type { Message } from '../db/client';

/** What the API shows of a message: no credentials; the recipient is the caller's own data. */
export interface MessageView {
  id: string;
  status: string;
  scene: string;
  to: unknown;
  channel: string | null;
  gateway: string | null;
  attempts: number;
  providerMessageId: string | null;
  error: { code: string; message: string | null } | null;
  workflowId: string;
  source: string;
  sendAt: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  finishedAt: string | null;
}

export function toMessageView(message: Message): MessageView {
  return {
    id: message.id,
    status: message.status,
    scene: message.sceneCode,
    to: message.recipient,
    channel: message.channel,
    gateway: message.gatewayCode,
    attempts: message.attempts,
    providerMessageId: message.providerMessageId,
    error: message.errorCode ? { code: message.errorCode, message: message.errorMessage } : null,
    workflowId: message.workflowId,
    source: message.source,
    sendAt: message.sendAt?.toISOString() ?? null,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
    sentAt: message.sentAt?.toISOString() ?? null,
    finishedAt: message.finishedAt?.toISOString() ?? null,
  };
}

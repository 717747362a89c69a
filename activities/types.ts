import type { ChannelType, MessageStatus } from '../src/messages/channels';
import type { GatewayOption, GatewayStrategy } from '../src/routing/gateway-selection';

/** Retry settings for provider calls on one gateway; a scene may override them (settings.retry). */
export interface RetrySettings {
  maxAttemptsPerGateway: number;
  initialIntervalMs: number;
  maxIntervalMs: number;
  backoffCoefficient: number;
}

export interface ChannelPlan {
  channel: ChannelType;
  strategy: GatewayStrategy;
  gateways: GatewayOption[];
}

export type SendPlan =
  | { kind: 'finished'; status: MessageStatus }
  | { kind: 'rejected'; code: string; reason: string }
  | { kind: 'route'; scene: string; /** Wait before the first provider call (scheduled sends). */ delayMs: number; channels: ChannelPlan[]; retry: RetrySettings };

export interface DeliverInput {
  messageId: string;
  channel: ChannelType;
  gatewayCode: string;
  /** Why this gateway now: its rank in the order and, after a failover, what failed before. */
  selection: { rank: number; order: string[]; after?: { gateway: string; code: string } };
  /** Longest Retry-After we wait for on this gateway before failing over instead. */
  maxRetryAfterMs: number;
}

export interface DeliverResult {
  providerMessageId?: string;
  latencyMs: number;
  /** The activity attempt that succeeded: provider calls made on this gateway. */
  attempt: number;
}

export interface FinishInput {
  messageId: string;
  status: Extract<MessageStatus, 'FAILED' | 'REJECTED' | 'CANCELLED'>;
  code: string;
  reason: string;
  data?: Record<string, unknown>;
}

/** Failure types the workflow tells apart; every activity error not listed here is transient. */
export const FailureTypes = {
  /** The provider refused this message for good (bad number, content blocked): no other gateway will do better. */
  providerRejected: 'ProviderRejected',
  /** This gateway cannot take it (credentials refused, unknown provider kind, back-off too long): fail over. */
  gatewayUnusable: 'GatewayUnusable',
  /** Temporary provider trouble: retried on the same gateway. */
  providerUnavailable: 'ProviderUnavailable',
  /** The message was already closed by someone else (cancelled, finished). */
  messageClosed: 'MessageClosed',
  messageNotFound: 'MessageNotFound',
} as const;

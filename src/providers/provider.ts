import type { AxiosInstance } from 'axios';
import type { ChannelType } from '../messages/channels';
import type { RenderedContent } from '../templates/render';

export interface GatewayConfig {
  code: string;
  endpoint: string;
  /** Secrets; adapters put them in headers or form fields, never in errors. */
  credentials: Record<string, unknown>;
  timeoutMs: number;
}

export interface ProviderRequest {
  messageId: string;
  /** The same for every retry of this message on this gateway, so a provider can de-duplicate. */
  idempotencyKey: string;
  channel: ChannelType;
  /** The address on this channel: phone, e-mail, push token or user id. */
  to: string;
  content: RenderedContent;
  gateway: GatewayConfig;
}

/** 解析结果: every adapter maps the provider's answer to one of these three. */
export type ProviderOutcome =
  | { kind: 'accepted'; providerMessageId?: string; httpStatus?: number }
  | { kind: 'retryable'; code: string; message: string; retryAfterMs?: number; httpStatus?: number }
  | { kind: 'rejected'; code: string; message: string; httpStatus?: number };

export interface Provider {
  /** Matches Gateway.providerKind. */
  readonly kind: string;
  readonly channels: readonly ChannelType[];
  send(request: ProviderRequest, http: AxiosInstance): Promise<ProviderOutcome>;
}

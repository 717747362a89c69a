import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AxiosInstance } from 'axios';
import type { Db } from '../src/db/client';
import { type Prisma } from '../src/db/client';
import type { ConfigReader } from '../src/db/config-reader';
import { CHANNEL_ADDRESS, TERMINAL_STATUSES, reachableChannels, type ChannelType, type MessageStatus, type Recipient } from '../src/messages/channels';
import type { Logger } from '../src/logger';
import type { Metrics } from '../src/metrics';
import type { ProviderRegistry } from '../src/providers/registry';
import type { ProviderOutcome } from '../src/providers/provider';
import { routeChannels } from '../src/routing/channel-router';
import type { RenderedContent } from '../src/templates/render';
import { FailureTypes, type DeliverInput, type DeliverResult, type FinishInput, type RetrySettings, type SendPlan } from './types';

export * from './types';

export interface ActivityDeps {
  db: Db;
  config: ConfigReader;
  providers: ProviderRegistry;
  http: AxiosInstance;
  logger: Logger;
  metrics?: Metrics;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttemptsPerGateway: 3,
  initialIntervalMs: 1000,
  maxIntervalMs: 30_000,
  backoffCoefficient: 2,
};

function retrySettings(settings: Record<string, unknown>): RetrySettings {
  const given = (settings.retry ?? {}) as Partial<Record<keyof RetrySettings, unknown>>;
  const pick = (key: keyof RetrySettings, min: number) =>
    typeof given[key] === 'number' && (given[key] as number) >= min ? (given[key] as number) : DEFAULT_RETRY[key];
  return {
    maxAttemptsPerGateway: pick('maxAttemptsPerGateway', 1),
    initialIntervalMs: pick('initialIntervalMs', 1),
    maxIntervalMs: pick('maxIntervalMs', 1),
    backoffCoefficient: pick('backoffCoefficient', 1),
  };
}

const closed = (status: MessageStatus) => TERMINAL_STATUSES.includes(status);

export function createActivities(deps: ActivityDeps) {
  const { db, config, providers, http, logger, metrics } = deps;

  interface TraceEvent {
    eventKey: string;
    type: string;
    data: Record<string, unknown>;
    status?: MessageStatus;
  }

  /**
   * Appends to the trace, in order, in one statement; the keys make a retried activity's second write
   * a no-op. Returns the unsent statement so it can join a status change in one transaction.
   */
  function traceWrite(messageId: string, ...events: TraceEvent[]) {
    return db.messageEvent.createMany({
      data: events.map((event) => ({ messageId, eventKey: event.eventKey, type: event.type, status: event.status, data: event.data as Prisma.InputJsonValue })),
      skipDuplicates: true,
    });
  }

  async function trace(messageId: string, ...events: TraceEvent[]): Promise<void> {
    await traceWrite(messageId, ...events);
  }

  async function loadMessage(messageId: string) {
    const message = await db.message.findUnique({ where: { id: messageId } });
    if (!message) throw ApplicationFailure.nonRetryable(`message ${messageId} does not exist`, FailureTypes.messageNotFound);
    return message;
  }

  return {
    /**
     * 查询配置 + 路由到具体渠道: reads the scene and channel configuration at send time and decides
     * which channels may carry the message, or why none can.
     */
    async planSend(messageId: string): Promise<SendPlan> {
      const message = await loadMessage(messageId);
      if (closed(message.status)) return { kind: 'finished', status: message.status };
      const scene = await config.scene(message.sceneCode);
      if (!scene) return { kind: 'rejected', code: 'SCENE_NOT_FOUND', reason: `scene "${message.sceneCode}" does not exist` };
      if (!scene.enabled) return { kind: 'rejected', code: 'SCENE_DISABLED', reason: `scene "${scene.code}" is disabled` };
      const channels = await config.allChannels();
      const route = routeChannels({
        channelOrder: scene.channelOrder,
        reachable: reachableChannels(message.recipient as Recipient),
        templated: Object.keys((message.content ?? {}) as object) as ChannelType[],
        channels: channels.map((c) => ({ type: c.type, enabled: c.enabled, gatewayCount: c.gateways.filter((g) => g.enabled).length })),
      });
      await trace(messageId, { eventKey: 'route.planned', type: 'route.planned', data: { candidates: route.candidates, skipped: route.skipped } });
      if (route.candidates.length === 0) {
        const reasons = route.skipped.map((s) => `${s.channel}: ${s.reason}`).join(', ');
        return { kind: 'rejected', code: 'NO_ROUTE', reason: `no channel can carry this message (${reasons || 'scene has no channels'})` };
      }
      return {
        kind: 'route',
        scene: scene.code,
        delayMs: message.sendAt ? Math.max(0, message.sendAt.getTime() - Date.now()) : 0,
        retry: retrySettings(scene.settings),
        channels: route.candidates.map((type) => {
          const channel = channels.find((c) => c.type === type)!;
          return {
            channel: type,
            strategy: channel.strategy,
            gateways: channel.gateways.filter((g) => g.enabled).map((g) => ({ code: g.code, priority: g.priority, weight: g.weight })),
          };
        }),
      };
    },

    /**
     * 记录流水-发送中 → 调用三方 → 解析结果 → 记录流水-发送成功: one attempt on one gateway. Throws
     * ProviderUnavailable (retried by Temporal), GatewayUnusable (fail over) or ProviderRejected (final).
     */
    async deliver(input: DeliverInput): Promise<DeliverResult> {
      const { messageId, channel, gatewayCode } = input;
      const attempt = Context.current().info.attempt;
      const message = await loadMessage(messageId);
      if (message.status === 'SUCCEEDED') return { providerMessageId: message.providerMessageId ?? undefined, latencyMs: 0, attempt };
      if (closed(message.status)) {
        throw ApplicationFailure.nonRetryable(`message is already ${message.status}`, FailureTypes.messageClosed);
      }
      const marked = await db.message.updateMany({
        where: { id: messageId, status: { in: ['PENDING', 'SENDING'] } },
        data: { status: 'SENDING', channel, gatewayCode, attempts: { increment: 1 }, sentAt: message.sentAt ?? new Date() },
      });
      if (marked.count === 0) throw ApplicationFailure.nonRetryable('message was closed meanwhile', FailureTypes.messageClosed);
      const attemptKey = `attempt:${gatewayCode}:${attempt}`;
      await trace(
        messageId,
        ...(attempt === 1 ? [{ eventKey: `gateway.selected:${channel}:${gatewayCode}`, type: 'gateway.selected', data: { channel, gateway: gatewayCode, ...input.selection } }] : []),
        { eventKey: attemptKey, type: 'attempt.started', data: { channel, gateway: gatewayCode, attempt }, status: 'SENDING' },
      );

      const gateway = await config.gateway(gatewayCode);
      const provider = gateway ? providers.get(gateway.providerKind) : undefined;
      const address = (message.recipient as Recipient)[CHANNEL_ADDRESS[channel]];
      const content = ((message.content ?? {}) as unknown as Record<string, RenderedContent>)[channel];
      let outcome: ProviderOutcome;
      const started = Date.now();
      if (!gateway || !gateway.enabled) {
        outcome = { kind: 'rejected', code: 'GATEWAY_UNAVAILABLE', message: `gateway ${gatewayCode} is missing or disabled` };
      } else if (!provider) {
        outcome = { kind: 'rejected', code: 'PROVIDER_KIND_UNKNOWN', message: `no adapter for provider kind "${gateway.providerKind}"` };
      } else if (!address || !content) {
        outcome = { kind: 'rejected', code: 'NO_ADDRESS', message: `no ${channel} address or content` };
      } else {
        outcome = await provider.send(
          {
            messageId,
            idempotencyKey: `${messageId}:${gatewayCode}`,
            channel,
            to: address,
            content,
            gateway: { code: gateway.code, endpoint: gateway.endpoint, credentials: gateway.credentials, timeoutMs: gateway.timeoutMs },
          },
          http,
        );
      }
      const latencyMs = Date.now() - started;
      metrics?.providerCalls.inc({ gateway: gatewayCode, outcome: outcome.kind });
      metrics?.providerLatency.observe({ gateway: gatewayCode }, latencyMs / 1000);
      const { kind, ...detail } = outcome;
      const finished: TraceEvent = { eventKey: `${attemptKey}:result`, type: 'attempt.finished', data: { channel, gateway: gatewayCode, attempt, outcome: kind, latencyMs, ...detail } };
      logger.info({ messageId, gateway: gatewayCode, attempt, outcome: kind, code: 'code' in outcome ? outcome.code : undefined, latencyMs }, 'provider call');

      if (outcome.kind === 'accepted') {
        await db.$transaction([
          db.message.updateMany({
            where: { id: messageId, status: 'SENDING' },
            data: { status: 'SUCCEEDED', providerMessageId: outcome.providerMessageId, errorCode: null, errorMessage: null, finishedAt: new Date() },
          }),
          traceWrite(messageId, finished, {
            eventKey: 'status:SUCCEEDED',
            type: 'status',
            status: 'SUCCEEDED',
            data: { gateway: gatewayCode, providerMessageId: outcome.providerMessageId ?? null },
          }),
        ]);
        return { providerMessageId: outcome.providerMessageId, latencyMs, attempt };
      }
      await trace(messageId, finished);
      const details = [{ code: outcome.code, httpStatus: outcome.httpStatus ?? null, attempt }];
      if (outcome.kind === 'retryable') {
        if ((outcome.retryAfterMs ?? 0) > input.maxRetryAfterMs) {
          throw ApplicationFailure.nonRetryable(`gateway asked to wait ${outcome.retryAfterMs} ms`, FailureTypes.gatewayUnusable, ...details);
        }
        throw ApplicationFailure.create({
          type: FailureTypes.providerUnavailable,
          message: outcome.message || outcome.code,
          details,
          nextRetryDelay: outcome.retryAfterMs,
        });
      }
      // Credentials refused or a gateway we cannot use is the gateway's fault, not the message's.
      const gatewayFault = outcome.httpStatus === 401 || outcome.httpStatus === 403 || !gateway || !provider || !gateway.enabled;
      throw ApplicationFailure.nonRetryable(
        outcome.message || outcome.code,
        gatewayFault ? FailureTypes.gatewayUnusable : FailureTypes.providerRejected,
        ...details,
      );
    },

    /** 记录流水-发送失败 / rejected / cancelled: a guarded transition that never reopens a closed message. */
    async finish(input: FinishInput): Promise<MessageStatus> {
      const { messageId, status, code, reason } = input;
      await db.$transaction([
        db.message.updateMany({
          where: { id: messageId, status: { in: ['PENDING', 'SENDING'] } },
          data: { status, errorCode: code, errorMessage: reason, finishedAt: new Date() },
        }),
        traceWrite(messageId, { eventKey: `status:${status}`, type: 'status', status, data: { code, reason, ...(input.data ?? {}) } }),
      ]);
      const message = await loadMessage(messageId);
      return message.status;
    },

    /** A failover or retry decision taken in the workflow, kept in the trace. */
    async recordDecision(messageId: string, eventKey: string, type: string, data: Record<string, unknown>): Promise<void> {
      await trace(messageId, { eventKey, type, data });
    },
  };
}

export type SendActivities = ReturnType<typeof createActivities>;

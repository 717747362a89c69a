import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SendActivities, SendPlan } from '../activities';
import { FailureTypes, type FinishInput } from '../activities/types';
import { TERMINAL_STATUSES, type ChannelType, type MessageStatus } from '../src/messages/channels';
import { orderGateways } from '../src/routing/gateway-selection';
import { SearchAttributes } from '../src/temporal/names';

export interface SendMessageInput {
  /** Only the id: addresses and content stay in the database, out of the workflow history. */
  messageId: string;
}

export interface SendMessageState {
  messageId: string;
  status: MessageStatus;
  channel?: ChannelType;
  gateway?: string;
  /** Provider calls made so far, retries included. */
  attempts: number;
  /** True once a provider call was scheduled: from then on the message cannot be cancelled. */
  handedOff: boolean;
  errorCode?: string;
  providerMessageId?: string;
}

export const statusQuery = defineQuery<SendMessageState>('status');
/** Cancels a message that has not been handed to a provider; refused (validator) once it has. */
export const cancelUpdate = defineUpdate<SendMessageState, [{ reason?: string }]>('cancel');

/**
 * Fast database steps run as local activities: no task-queue round trip and three fewer history
 * events each, which is most of the server's work per message. Retried until the database answers;
 * a bug surfaces as a stuck activity, not a lost message.
 */
const store = proxyLocalActivities<SendActivities>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Longest Retry-After a gateway may ask for before we fail over instead of waiting. */
const MAX_RETRY_AFTER_MS = 60_000;

export async function sendMessage(input: SendMessageInput): Promise<SendMessageState> {
  const state: SendMessageState = { messageId: input.messageId, status: 'PENDING', attempts: 0, handedOff: false };
  let cancelRequested: string | undefined;

  setHandler(statusQuery, () => state);
  setHandler(
    cancelUpdate,
    (request) => {
      cancelRequested = request.reason ?? 'cancelled by request';
      return state;
    },
    {
      validator: (_request) => {
        if (state.handedOff || isClosed(state.status)) {
          throw new Error(`TOO_LATE: message is ${state.status}${state.handedOff ? ' and already handed to a provider' : ''}`);
        }
      },
    },
  );

  const setStatus = (status: MessageStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: SearchAttributes.status, value: status }]);
  };

  const finish = async (closing: Omit<FinishInput, 'messageId'>) => {
    const status = await CancellationScope.nonCancellable(() => store.finish({ messageId: input.messageId, ...closing }));
    state.errorCode = closing.code;
    setStatus(status);
    return state;
  };

  try {
    const plan: SendPlan = await store.planSend(input.messageId);
    if (plan.kind === 'finished') {
      setStatus(plan.status);
      return state;
    }
    if (plan.kind === 'rejected') return await finish({ status: 'REJECTED', code: plan.code, reason: plan.reason });

    if (plan.delayMs > 0) await condition(() => cancelRequested !== undefined, plan.delayMs);

    let previous: { gateway: string; code: string } | undefined;
    for (const route of plan.channels) {
      const order = orderGateways(route.gateways, route.strategy, workflowRandom);
      for (const [rank, gateway] of order.entries()) {
        if (cancelRequested !== undefined) return await finish({ status: 'CANCELLED', code: 'CANCELLED', reason: cancelRequested });
        state.handedOff = true;
        state.channel = route.channel;
        state.gateway = gateway.code;
        state.status = 'SENDING';
        upsertSearchAttributes([
          { key: SearchAttributes.status, value: 'SENDING' },
          { key: SearchAttributes.channel, value: route.channel },
          { key: SearchAttributes.gateway, value: gateway.code },
        ]);
        const provider = proxyActivities<SendActivities>({
          // The adapter's HTTP timeout (the gateway's timeoutMs) stays below this.
          startToCloseTimeout: '2 minutes',
          retry: {
            maximumAttempts: plan.retry.maxAttemptsPerGateway,
            initialInterval: plan.retry.initialIntervalMs,
            maximumInterval: plan.retry.maxIntervalMs,
            backoffCoefficient: plan.retry.backoffCoefficient,
            nonRetryableErrorTypes: [FailureTypes.providerRejected, FailureTypes.gatewayUnusable, FailureTypes.messageClosed, FailureTypes.messageNotFound],
          },
        });
        try {
          const result = await provider.deliver({
            messageId: input.messageId,
            channel: route.channel,
            gatewayCode: gateway.code,
            selection: { rank, order: order.map((g) => g.code), after: previous },
            maxRetryAfterMs: MAX_RETRY_AFTER_MS,
          });
          state.providerMessageId = result.providerMessageId;
          state.attempts += result.attempt;
          setStatus('SUCCEEDED');
          return state;
        } catch (error) {
          const failure = describe(error, plan.retry.maxAttemptsPerGateway);
          state.attempts += failure.attempts;
          if (failure.type === FailureTypes.providerRejected) {
            return await finish({ status: 'FAILED', code: failure.code, reason: failure.message, data: { gateway: gateway.code } });
          }
          if (failure.type === FailureTypes.messageClosed) {
            return await finish({ status: 'FAILED', code: 'MESSAGE_CLOSED', reason: failure.message });
          }
          log.warn('gateway failed, failing over', { messageId: input.messageId, gateway: gateway.code, code: failure.code });
          previous = { gateway: gateway.code, code: failure.code };
          await store.recordDecision(input.messageId, `failover:${route.channel}:${gateway.code}`, 'gateway.failed', {
            channel: route.channel,
            gateway: gateway.code,
            code: failure.code,
            reason: failure.message,
          });
        }
      }
    }
    return await finish({
      status: 'FAILED',
      code: 'ALL_GATEWAYS_FAILED',
      reason: `every gateway failed; last: ${previous ? `${previous.gateway} ${previous.code}` : 'none'}`,
    });
  } catch (error) {
    if (isCancellation(error)) {
      // Cancelled from the Temporal UI or CLI: close the send log so it does not stay open forever.
      return await finish({ status: 'CANCELLED', code: 'WORKFLOW_CANCELLED', reason: `workflow ${workflowInfo().workflowId} was cancelled` });
    }
    throw error;
  }
}

/** Uniform in [0, 1), from the workflow's seeded uuid4 so that a replay draws the same numbers. */
function workflowRandom(): number {
  const id = uuid4();
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16) / 2 ** 48;
}

function isClosed(status: MessageStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Reads an activity failure: its type, the provider's code and how many attempts it took. */
function describe(error: unknown, maxAttempts: number): { type: string; code: string; message: string; attempts: number } {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
    const cause = error.cause;
    const detail = (cause.details?.[0] ?? {}) as { code?: string; attempt?: number };
    return { type: cause.type ?? 'Error', code: detail.code ?? cause.type ?? 'ERROR', message: cause.message, attempts: detail.attempt ?? 1 };
  }
  if (error instanceof ActivityFailure) {
    return { type: 'Timeout', code: 'ACTIVITY_TIMEOUT', message: error.cause?.message ?? error.message, attempts: maxAttempts };
  }
  throw error;
}

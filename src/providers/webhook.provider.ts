import type { Provider } from './provider';
import { classifyHttpStatus, errorText, transportFailure } from './http-outcome';

/**
 * Generic JSON webhook (IM bots, internal endpoints): POST {messageId, channel, to, subject, body}.
 * Optional `credentials.token` is sent as a bearer token. 2xx means accepted; `id` in the answer is
 * kept as the provider message id.
 */
export const webhookProvider: Provider = {
  kind: 'webhook',
  channels: ['WEBHOOK', 'PUSH', 'SMS', 'EMAIL'],
  async send(request, http) {
    const token = request.gateway.credentials.token;
    try {
      const response = await http.post(
        request.gateway.endpoint,
        {
          messageId: request.messageId,
          channel: request.channel,
          to: request.to,
          subject: request.content.subject,
          body: request.content.body,
        },
        {
          timeout: request.gateway.timeoutMs,
          validateStatus: () => true,
          headers: {
            'Idempotency-Key': request.idempotencyKey,
            ...(typeof token === 'string' ? { Authorization: `Bearer ${token}` } : {}),
          },
        },
      );
      const failed = classifyHttpStatus(response, `HTTP_${response.status}`, errorText(response.data));
      if (failed) return failed;
      const id = (response.data as { id?: unknown } | undefined)?.id;
      return { kind: 'accepted', providerMessageId: typeof id === 'string' ? id : undefined, httpStatus: response.status };
    } catch (error) {
      return transportFailure(error);
    }
  },
};

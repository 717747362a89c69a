import type { Provider } from './provider';
import { classifyHttpStatus, errorText, transportFailure } from './http-outcome';

/**
 * A transactional e-mail API in the common style: JSON POST with a bearer API key and an
 * Idempotency-Key header, 202 with {"id"} when queued, 4xx with {"errors":[{"code","message"}]}.
 * `credentials.apiKey` is required; `credentials.from` is the sender address.
 */
export const emailApiProvider: Provider = {
  kind: 'email-api',
  channels: ['EMAIL'],
  async send(request, http) {
    const { apiKey, from } = request.gateway.credentials;
    try {
      const response = await http.post(
        request.gateway.endpoint,
        {
          from: { email: typeof from === 'string' ? from : 'no-reply@localhost' },
          to: [{ email: request.to }],
          subject: request.content.subject ?? '',
          text: request.content.body,
          reference: request.messageId,
        },
        {
          timeout: request.gateway.timeoutMs,
          validateStatus: () => true,
          headers: { Authorization: `Bearer ${String(apiKey ?? '')}`, 'Idempotency-Key': request.idempotencyKey },
        },
      );
      const first = (response.data as { errors?: { code?: unknown; message?: unknown }[] } | undefined)?.errors?.[0];
      const code = typeof first?.code === 'string' ? `EMAIL_${first.code}` : `HTTP_${response.status}`;
      const failed = classifyHttpStatus(response, code, typeof first?.message === 'string' ? first.message : errorText(response.data));
      if (failed) return failed;
      const id = (response.data as { id?: unknown } | undefined)?.id ?? response.headers['x-message-id'];
      return { kind: 'accepted', providerMessageId: id ? String(id) : undefined, httpStatus: response.status };
    } catch (error) {
      return transportFailure(error);
    }
  },
};

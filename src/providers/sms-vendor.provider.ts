import type { Provider } from './provider';
import { classifyHttpStatus, errorText, scrub, transportFailure } from './http-outcome';

/**
 * The usual shape of an SMS vendor's HTTP API: a form-encoded POST with the account in the form and
 * the outcome as a vendor code in a JSON body, HTTP 200 either way.
 *   request:  account, password, mobile, content, uid (our idempotency key; the vendor de-duplicates on it)
 *   answer:   {"code":"0","msgid":"..."} on success, {"code":"<vendor code>","msg":"..."} otherwise
 * Vendor codes listed as transient are retried; every other non-zero code is a permanent rejection.
 */
export const SMS_VENDOR_TRANSIENT_CODES = new Set(['9001', '9002', '9003']); // busy, throttled, upstream timeout

export const smsVendorProvider: Provider = {
  kind: 'sms-vendor',
  channels: ['SMS'],
  async send(request, http) {
    const { account, password } = request.gateway.credentials;
    const form = new URLSearchParams({
      account: String(account ?? ''),
      password: String(password ?? ''),
      mobile: request.to,
      content: request.content.body,
      uid: request.idempotencyKey,
    });
    try {
      const response = await http.post(request.gateway.endpoint, form.toString(), {
        timeout: request.gateway.timeoutMs,
        validateStatus: () => true,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      const failed = classifyHttpStatus(response, `HTTP_${response.status}`, errorText(response.data));
      if (failed) return failed;
      const data = (typeof response.data === 'object' && response.data ? response.data : {}) as Record<string, unknown>;
      const code = String(data.code ?? '');
      if (code === '0') {
        return { kind: 'accepted', providerMessageId: data.msgid ? String(data.msgid) : undefined, httpStatus: response.status };
      }
      const message = scrub(errorText(data) || 'vendor did not accept the message');
      if (code === '') return { kind: 'retryable', code: 'VENDOR_BAD_RESPONSE', message: 'vendor answer had no code' };
      return SMS_VENDOR_TRANSIENT_CODES.has(code)
        ? { kind: 'retryable', code: `VENDOR_${code}`, message }
        : { kind: 'rejected', code: `VENDOR_${code}`, message };
    } catch (error) {
      return transportFailure(error);
    }
  },
};

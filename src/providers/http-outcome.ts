import { isAxiosError, type AxiosResponse } from 'axios';
import type { ProviderOutcome } from './provider';

const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}

/** Provider texts can echo addresses; keep them out of the send log's error and the workflow history. */
export function scrub(text: string, max = 300): string {
  return text
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/\+?\d[\d\s-]{6,}\d/g, '[number]')
    .slice(0, max);
}

/** The generic HTTP mapping: 2xx accepted, 408/425/429/5xx retryable, other 4xx rejected. */
export function classifyHttpStatus(response: AxiosResponse, code: string, message: string): ProviderOutcome | undefined {
  const status = response.status;
  if (status >= 200 && status < 300) return undefined;
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return {
      kind: 'retryable',
      code,
      message: scrub(message),
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
      httpStatus: status,
    };
  }
  return { kind: 'rejected', code, message: scrub(message), httpStatus: status };
}

/** Network failures and timeouts are transient; anything else is a bug and is rethrown. */
export function transportFailure(error: unknown): ProviderOutcome {
  if (isAxiosError(error)) {
    const code = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' ? 'TIMEOUT' : `NETWORK_${error.code ?? 'ERROR'}`;
    return { kind: 'retryable', code, message: scrub(error.message) };
  }
  throw error;
}

export function errorText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    for (const key of ['message', 'msg', 'error', 'detail']) {
      if (typeof record[key] === 'string') return record[key] as string;
    }
  }
  return '';
}

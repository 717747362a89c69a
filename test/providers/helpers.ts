import { createProviderHttp } from '../../src/worker/create-worker';
import type { ProviderRequest } from '../../src/providers/provider';

export const http = createProviderHttp();

export function request(endpoint: string, overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    messageId: 'm-1',
    idempotencyKey: 'm-1:gw',
    channel: 'SMS',
    to: '+8613800000000',
    content: { subject: 'Subject', body: 'Body 123' },
    gateway: { code: 'gw', endpoint, credentials: { account: 'acc', password: 'pw', apiKey: 'key-1', token: 'tok-1', from: 'from@example.test' }, timeoutMs: 1000 },
    ...overrides,
  };
}

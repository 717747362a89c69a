import { expect } from 'chai';
import { webhookProvider } from '../../src/providers/webhook.provider';
import { startSandboxProvider, type SandboxProvider } from '../../src/sandbox/server';
import { http, request } from './helpers';

describe('webhook provider adapter', () => {
  let server: SandboxProvider;
  before(async () => (server = await startSandboxProvider()));
  after(async () => server.close());
  beforeEach(() => server.reset());
  const send = () => webhookProvider.send(request(`${server.url}/webhook`, { channel: 'WEBHOOK', to: 'team-a' }), http);

  it('posts the message as JSON with a bearer token and Idempotency-Key; 2xx accepted', async () => {
    expect(await send()).to.deep.include({ kind: 'accepted', httpStatus: 200 });
    const [received] = server.requests();
    expect(received!.headers.authorization).to.equal('Bearer tok-1');
    expect(received!.headers['idempotency-key']).to.equal('m-1:gw');
    expect(received!.body).to.deep.equal({ messageId: 'm-1', channel: 'WEBHOOK', to: 'team-a', subject: 'Subject', body: 'Body 123' });
  });

  it('maps 404 to rejected, 500 and 408 to retryable', async () => {
    server.addRule({ respond: [{ status: 404, body: { message: 'no such hook' } }, { status: 500 }, { status: 408 }], times: 3 });
    expect(await send()).to.deep.include({ kind: 'rejected', code: 'HTTP_404', message: 'no such hook' });
    expect(await send()).to.deep.include({ kind: 'retryable', code: 'HTTP_500' });
    expect(await send()).to.deep.include({ kind: 'retryable', code: 'HTTP_408' });
  });
});

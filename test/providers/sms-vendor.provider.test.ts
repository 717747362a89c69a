import { expect } from 'chai';
import { smsVendorProvider } from '../../src/providers/sms-vendor.provider';
import { startSandboxProvider, type SandboxProvider } from '../../src/sandbox/server';
import { http, request } from './helpers';

describe('sms-vendor provider adapter', () => {
  let server: SandboxProvider;
  before(async () => (server = await startSandboxProvider()));
  after(async () => server.close());
  beforeEach(() => server.reset());
  const send = () => smsVendorProvider.send(request(`${server.url}/sms/send`), http);

  it('posts a form with account, number, content and the idempotency key as uid; code 0 is accepted', async () => {
    const outcome = await send();
    expect(outcome.kind).to.equal('accepted');
    const [received] = server.requests();
    expect(received!.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    expect(received!.body).to.deep.equal({ account: 'acc', password: 'pw', mobile: '+8613800000000', content: 'Body 123', uid: 'm-1:gw' });
    expect(outcome).to.have.property('providerMessageId').that.matches(/^sbx-/);
  });

  it('the same uid gets the same vendor message id (retry-safe)', async () => {
    const first = await send();
    const second = await send();
    expect(first).to.deep.equal(second);
  });

  it('maps vendor codes: transient ones are retryable, others rejected with the code', async () => {
    server.addRule({ respond: [{ body: { code: '9002', msg: 'throttled' } }], times: 1 });
    expect(await send()).to.deep.include({ kind: 'retryable', code: 'VENDOR_9002' });
    server.addRule({ respond: [{ body: { code: '1002', msg: 'number +8613800000000 invalid' } }], times: 1 });
    const rejected = await send();
    expect(rejected).to.deep.include({ kind: 'rejected', code: 'VENDOR_1002' });
    expect(rejected).to.have.property('message').that.does.not.contain('8613800000000');
  });

  it('maps HTTP 5xx/429 to retryable with Retry-After and a dead port to a network error', async () => {
    server.addRule({ respond: [{ status: 429, headers: { 'Retry-After': '3' } }], times: 1 });
    expect(await send()).to.deep.include({ kind: 'retryable', code: 'HTTP_429', retryAfterMs: 3000 });
    server.addRule({ respond: [{ status: 502 }], times: 1 });
    expect(await send()).to.deep.include({ kind: 'retryable', code: 'HTTP_502' });
    const dead = await smsVendorProvider.send(request('http://127.0.0.1:1/sms/send'), http);
    expect(dead).to.deep.include({ kind: 'retryable', code: 'NETWORK_ECONNREFUSED' });
  });

  it('times out by the gateway timeout', async () => {
    server.addRule({ respond: [{ outcome: 'hang' }], times: 1 });
    const outcome = await smsVendorProvider.send(request(`${server.url}/sms/send`, { gateway: { ...request('').gateway, endpoint: `${server.url}/sms/send`, timeoutMs: 200 } }), http);
    expect(outcome).to.deep.include({ kind: 'retryable', code: 'TIMEOUT' });
  });
});

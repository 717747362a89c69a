import { expect } from 'chai';
import { emailApiProvider } from '../../src/providers/email-api.provider';
import { startSandboxProvider, type SandboxProvider } from '../../src/sandbox/server';
import { http, request } from './helpers';

describe('email-api provider adapter', () => {
  let server: SandboxProvider;
  before(async () => (server = await startSandboxProvider()));
  after(async () => server.close());
  beforeEach(() => server.reset());
  const send = () => emailApiProvider.send(request(`${server.url}/email/v3/mail/send`, { channel: 'EMAIL', to: 'ada@example.test' }), http);

  it('posts JSON with bearer key and Idempotency-Key; 202 is accepted with the id', async () => {
    const outcome = await send();
    expect(outcome).to.deep.include({ kind: 'accepted', httpStatus: 202 });
    const [received] = server.requests();
    expect(received!.headers.authorization).to.equal('Bearer key-1');
    expect(received!.headers['idempotency-key']).to.equal('m-1:gw');
    expect(received!.body).to.deep.equal({ from: { email: 'from@example.test' }, to: [{ email: 'ada@example.test' }], subject: 'Subject', text: 'Body 123', reference: 'm-1' });
  });

  it('a 4xx with an error code is a rejection carrying that code, scrubbed of addresses', async () => {
    server.addRule({ respond: [{ status: 400, body: { errors: [{ code: 'invalid_recipient', message: 'ada@example.test bounced' }] } }], times: 1 });
    const outcome = await send();
    expect(outcome).to.deep.include({ kind: 'rejected', code: 'EMAIL_invalid_recipient', httpStatus: 400 });
    expect(outcome).to.have.property('message', '[email] bounced');
  });

  it('401 is a rejection with its status (the workflow treats it as the gateway\'s fault)', async () => {
    server.addRule({ respond: [{ status: 401, body: { errors: [{ code: 'unauthorized', message: 'bad key' }] } }], times: 1 });
    expect(await send()).to.deep.include({ kind: 'rejected', httpStatus: 401 });
  });

  it('503 with an HTTP-date Retry-After is retryable with the delay', async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    server.addRule({ respond: [{ status: 503, headers: { 'Retry-After': at } }], times: 1 });
    const outcome = await send();
    expect(outcome).to.deep.include({ kind: 'retryable', code: 'HTTP_503' });
    expect((outcome as { retryAfterMs: number }).retryAfterMs).to.be.within(3000, 5000);
  });
});

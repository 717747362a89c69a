import { expect } from 'chai';
import pino from 'pino';
import { REDACTED_PATHS } from '../../src/logger';
import { SearchAttributes } from '../../src/temporal/names';
import { stack } from '../helpers/global';
import { startHarness, type Harness, type MessageBody } from '../helpers/harness';

const otp = (phone = '+8613800000000', code = '123456') => ({ scene: 'login-otp', to: { phone }, variables: { code } });

function attempts(message: MessageBody) {
  return message.events.filter((e) => e.type === 'attempt.finished').map((e) => `${e.data.gateway}:${e.data.outcome}`);
}

describe('SendMessage pipeline (real Temporal, PostgreSQL, local provider)', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  describe('happy path on each channel', () => {
    it('EMAIL: the e-mail API gets subject, body, bearer key and idempotency key', async () => {
      const sent = await h.api.post('/v1/messages', { scene: 'welcome-email', to: { email: 'Ada@Example.test' }, variables: { name: 'Ada' } });
      expect(sent.status).to.equal(202);
      const message = await h.waitForMessage(sent.data.id);
      expect(message).to.include({ status: 'SUCCEEDED', channel: 'EMAIL', gateway: 'email-primary' });
      const [request, ...more] = h.sandbox.requests({ api: 'email' });
      expect(more).to.have.length(0);
      expect(request!.body).to.deep.include({ subject: 'Welcome, Ada!', text: 'Hello Ada, your account is ready.' });
      expect(request!.headers.authorization).to.equal('Bearer sandbox-key');
      expect(request!.idempotencyKey).to.equal(`${sent.data.id}:email-primary`);
    });

    it('WEBHOOK: an IM post through the generic webhook adapter', async () => {
      const sent = await h.api.post('/v1/messages', {
        scene: 'ops-alert',
        to: { userId: 'oncall-team' },
        variables: { severity: 'P1', title: 'DB down', detail: 'primary is unreachable' },
      });
      const message = await h.waitForMessage(sent.data.id);
      expect(message).to.include({ status: 'SUCCEEDED', channel: 'WEBHOOK', gateway: 'im-bot' });
      const [request] = h.sandbox.requests({ api: 'webhook' });
      expect(request!.body).to.deep.include({ to: 'oncall-team', subject: '[P1] DB down', body: 'primary is unreachable', channel: 'WEBHOOK' });
      expect(request!.headers.authorization).to.equal('Bearer sandbox-im-token');
    });

    it('PUSH: first choice of a scene that falls back to SMS', async () => {
      const sent = await h.api.post('/v1/messages', { scene: 'order-shipped', to: { pushToken: 'device-1', phone: '+8613800000001' }, variables: { orderId: 'A-1' } });
      const message = await h.waitForMessage(sent.data.id);
      expect(message).to.include({ status: 'SUCCEEDED', channel: 'PUSH', gateway: 'push-primary' });
      expect(h.sandbox.requests({ api: 'sms' })).to.have.length(0);
    });
  });

  describe('failures', () => {
    it('fails over to the second gateway when the first keeps failing, every attempt in the trace', async () => {
      h.sandbox.addRule({ match: { path: '/primary/sms/send' }, respond: [{ outcome: 'busy' }] });
      const sent = await h.api.post('/v1/messages', otp());
      const message = await h.waitForMessage(sent.data.id);
      expect(message).to.include({ status: 'SUCCEEDED', gateway: 'sms-backup' });
      expect(attempts(message)).to.deep.equal(['sms-primary:retryable', 'sms-primary:retryable', 'sms-primary:retryable', 'sms-backup:accepted']);
      expect(message.attempts).to.equal(4);
      const failover = message.events.find((e) => e.type === 'gateway.selected' && e.data.gateway === 'sms-backup');
      expect(failover!.data.after).to.deep.equal({ gateway: 'sms-primary', code: 'VENDOR_9001' });
      expect(message.events.some((e) => e.type === 'gateway.failed' && e.data.gateway === 'sms-primary')).to.equal(true);
    });

    it('retries a throttled call after the Retry-After the provider asked for', async () => {
      h.sandbox.addRule({ match: { path: '/primary/sms/send' }, respond: [{ outcome: 'throttle', retryAfterSeconds: 2 }], times: 1 });
      const sent = await h.api.post('/v1/messages', otp());
      const message = await h.waitForMessage(sent.data.id);
      expect(message).to.include({ status: 'SUCCEEDED', gateway: 'sms-primary', attempts: 2 });
      const calls = h.sandbox.requests({ api: 'sms' });
      expect(calls).to.have.length(2);
      // The scene's own backoff is 100 ms; only Retry-After explains a gap of two seconds.
      expect(calls[1]!.at - calls[0]!.at).to.be.at.least(1900);
      const throttled = message.events.find((e) => e.type === 'attempt.finished' && e.data.outcome === 'retryable');
      expect(throttled!.data).to.include({ code: 'HTTP_429', retryAfterMs: 2000, httpStatus: 429 });
    });

    it('records a permanent rejection as FAILED with the vendor code, no retry and no failover', async () => {
      h.sandbox.addRule({ match: { api: 'sms' }, respond: [{ outcome: 'reject' }] });
      const sent = await h.api.post('/v1/messages', otp());
      const message = await h.waitForMessage(sent.data.id);
      expect(message.status).to.equal('FAILED');
      expect(message.error).to.deep.equal({ code: 'VENDOR_1002', message: 'mobile number is invalid' });
      expect(h.sandbox.requests({ api: 'sms' })).to.have.length(1);
    });

    it('fails with ALL_GATEWAYS_FAILED when every gateway is down, each attempt traced', async () => {
      h.sandbox.addRule({ match: { api: 'sms' }, respond: [{ outcome: 'error' }] });
      const sent = await h.api.post('/v1/messages', otp());
      const message = await h.waitForMessage(sent.data.id);
      expect(message.status).to.equal('FAILED');
      expect(message.error!.code).to.equal('ALL_GATEWAYS_FAILED');
      expect(h.sandbox.requests({ api: 'sms' })).to.have.length(6);
      expect(attempts(message)).to.have.length(6);
      expect(message.attempts).to.equal(6);
    });

    it('fails over when a gateway times out (provider hangs)', async () => {
      await stack().db.gateway.update({ where: { code: 'sms-primary' }, data: { timeoutMs: 300 } });
      h.sandbox.addRule({ match: { path: '/primary/sms/send' }, respond: [{ outcome: 'hang' }] });
      const sent = await h.api.post('/v1/messages', otp());
      const message = await h.waitForMessage(sent.data.id);
      expect(message).to.include({ status: 'SUCCEEDED', gateway: 'sms-backup' });
      expect(attempts(message).filter((a) => a === 'sms-primary:retryable')).to.have.length(3);
    });

    it('REJECTS a message whose recipient has no address on the scene\'s channels, with the reason', async () => {
      const sent = await h.api.post('/v1/messages', { scene: 'login-otp', to: { email: 'a@example.test' }, variables: {} });
      expect(sent.status).to.equal(202);
      const message = await h.waitForMessage(sent.data.id);
      expect(message.status).to.equal('REJECTED');
      expect(message.error!.code).to.equal('NO_ROUTE');
      expect(message.error!.message).to.contain('SMS: NO_ADDRESS');
      expect(h.sandbox.requests()).to.have.length(0);
    });

    it('REJECTS a message of a disabled scene', async () => {
      await stack().db.scene.update({ where: { code: 'login-otp' }, data: { enabled: false } });
      const sent = await h.api.post('/v1/messages', otp());
      const message = await h.waitForMessage(sent.data.id);
      expect(message.status).to.equal('REJECTED');
      expect(message.error!.code).to.equal('SCENE_DISABLED');
    });
  });

  describe('idempotency', () => {
    it('20 concurrent identical submits → one message, one workflow, one provider request', async () => {
      const headers = { 'Idempotency-Key': 'order-42-otp' };
      const responses = await Promise.all(Array.from({ length: 20 }, () => h.api.post('/v1/messages', otp(), { headers })));
      const ids = new Set(responses.map((r) => r.data.id));
      expect(ids.size).to.equal(1);
      expect(responses.filter((r) => r.status === 202)).to.have.length(1);
      expect(responses.filter((r) => r.status === 200)).to.have.length(19);
      const [id] = [...ids];
      await h.waitForMessage(id);
      expect(await stack().db.message.count({ where: { idempotencyKey: 'order-42-otp' } })).to.equal(1);
      const { count } = await h.temporal.workflow.count(`SenderMessageId = '${id}'`);
      expect(count).to.equal(1);
      expect(h.sandbox.requests({ api: 'sms' })).to.have.length(1);
    });

    it('the same key with a different body is a 409 naming the key', async () => {
      const headers = { 'Idempotency-Key': 'reused-key' };
      expect((await h.api.post('/v1/messages', otp(), { headers })).status).to.equal(202);
      const again = await h.api.post('/v1/messages', otp('+8613800000000', '999999'), { headers });
      expect(again.status).to.equal(409);
      expect(again.data.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(again.data.error.details.field).to.equal('Idempotency-Key');
    });
  });

  describe('cancel', () => {
    it('cancels a scheduled message before it is handed to a provider', async () => {
      const sendAt = new Date(Date.now() + 3600_000).toISOString();
      const sent = await h.api.post('/v1/messages', { ...otp(), sendAt });
      expect(sent.status).to.equal(202);
      const cancelled = await h.api.post(`/v1/messages/${sent.data.id}/cancel`, { reason: 'user logged in another way' });
      expect(cancelled.status).to.equal(200);
      expect(cancelled.data.status).to.equal('CANCELLED');
      const message = await h.waitForMessage(sent.data.id);
      expect(message.status).to.equal('CANCELLED');
      expect(message.error!.message).to.equal('user logged in another way');
      expect(h.sandbox.requests()).to.have.length(0);
      const again = await h.api.post(`/v1/messages/${sent.data.id}/cancel`, {});
      expect(again.status).to.equal(409);
    });

    it('answers 409 TOO_LATE once the provider has it, and the send completes', async () => {
      h.sandbox.addRule({ match: { api: 'sms' }, respond: [{ delayMs: 1500 }] });
      const sent = await h.api.post('/v1/messages', otp());
      await h.waitForMessage(sent.data.id, (m) => m.status === 'SENDING');
      const cancelled = await h.api.post(`/v1/messages/${sent.data.id}/cancel`, {});
      expect(cancelled.status).to.equal(409);
      expect(cancelled.data.error.code).to.equal('TOO_LATE');
      expect((await h.waitForMessage(sent.data.id)).status).to.equal('SUCCEEDED');
    });
  });

  describe('Temporal view', () => {
    it('keeps search attributes current and answers the status query', async () => {
      h.sandbox.addRule({ match: { api: 'sms' }, respond: [{ delayMs: 1500 }] });
      const sent = await h.api.post('/v1/messages', otp());
      await h.waitForMessage(sent.data.id, (m) => m.status === 'SENDING');
      const handle = h.temporal.workflow.getHandle(sent.data.workflowId);
      const live = await handle.query<{ status: string; gateway: string; handedOff: boolean }>('status');
      expect(live).to.include({ status: 'SENDING', gateway: 'sms-primary', handedOff: true });
      await handle.result();
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(SearchAttributes.status)).to.equal('SUCCEEDED');
      expect(described.typedSearchAttributes.get(SearchAttributes.scene)).to.equal('login-otp');
      expect(described.typedSearchAttributes.get(SearchAttributes.channel)).to.equal('SMS');
      expect(described.typedSearchAttributes.get(SearchAttributes.gateway)).to.equal('sms-primary');
      expect(described.typedSearchAttributes.get(SearchAttributes.messageId)).to.equal(sent.data.id);
      // No personal data in the workflow's history: the input is the message id only.
      const history = JSON.stringify(await handle.fetchHistory());
      expect(history).not.to.contain('8613800000000');
      expect(history).not.to.contain('123456');
      expect(history).not.to.contain('sandbox-secret');
    });
  });
});

describe('logs', () => {
  it('carry ids and codes, never addresses, variables, content or credentials, on success and failure paths', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, { write: (line: string) => void lines.push(line) });
    const h = await startHarness({ logger });
    try {
      h.sandbox.addRule({ match: { path: '/primary/sms/send' }, respond: [{ status: 400, body: { code: '1002', msg: 'number +8613812345678 is invalid' } }] });
      const sent = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613812345678' }, variables: { code: '975310' } });
      await h.waitForMessage(sent.data.id);
      const mail = await h.api.post('/v1/messages', { scene: 'welcome-email', to: { email: 'secret.person@example.test' }, variables: { name: 'Zebediah' } });
      await h.waitForMessage(mail.data.id);
      await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613812345678' }, variables: { code: '975310', extra: 'x' } });
    } finally {
      await h.stop();
    }
    const text = lines.join('\n');
    expect(lines.length, 'the worker logged its provider calls').to.be.greaterThan(1);
    for (const secret of ['8613812345678', '975310', 'secret.person', 'Zebediah', 'sandbox-secret', 'sandbox-key']) expect(text).not.to.contain(secret);
  });
});

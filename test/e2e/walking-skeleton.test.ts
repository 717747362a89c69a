import { expect } from 'chai';
import { startHarness, type Harness } from '../helpers/harness';

describe('walking skeleton: REST → SendMessage → sandbox provider', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  it('accepts a login OTP with 202 PENDING, sends it once through the SMS vendor API and records SUCCEEDED', async () => {
    const response = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000000' }, variables: { code: '123456' } });
    expect(response.status).to.equal(202);
    expect(response.data.status).to.equal('PENDING');
    expect(response.data.id).to.match(/^[0-9a-f-]{36}$/);

    const message = await h.waitForMessage(response.data.id);
    expect(message.status).to.equal('SUCCEEDED');
    expect(message.channel).to.equal('SMS');
    expect(message.gateway).to.equal('sms-primary');
    expect(message.attempts).to.equal(1);

    const received = h.sandbox.requests({ api: 'sms' });
    expect(received).to.have.length(1);
    expect(received[0]!.to).to.equal('+8613800000000');
    expect(received[0]!.body.content).to.equal('Your login code is 123456. It expires in 5 minutes.');
    expect(received[0]!.idempotencyKey).to.equal(`${response.data.id}:sms-primary`);
    expect(message.providerMessageId).to.match(/^sbx-/);

    const statuses = message.events.filter((e) => e.type === 'status').map((e) => e.status);
    expect(statuses).to.deep.equal(['PENDING', 'SUCCEEDED']);
    expect(message.events.map((e) => e.type)).to.include.members(['route.planned', 'gateway.selected', 'attempt.started', 'attempt.finished']);
  });
});

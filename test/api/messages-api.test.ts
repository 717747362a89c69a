import { expect } from 'chai';
import { stack } from '../helpers/global';
import { startHarness, type Harness } from '../helpers/harness';

describe('REST API /v1/messages', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  const countMessages = () => stack().db.message.count();

  describe('bad input is answered before anything is stored or started', () => {
    it('unknown scene → 404 SCENE_NOT_FOUND', async () => {
      const before = await countMessages();
      const response = await h.api.post('/v1/messages', { scene: 'no-such-scene', to: { phone: '+8613800000000' } });
      expect(response.status).to.equal(404);
      expect(response.data.error).to.deep.include({ code: 'SCENE_NOT_FOUND', details: { field: 'scene' } });
      expect(response.data.error.message).to.contain('no-such-scene');
      expect(await countMessages()).to.equal(before);
    });

    it('a missing template variable → 422 naming it', async () => {
      const before = await countMessages();
      const response = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000000' }, variables: {} });
      expect(response.status).to.equal(422);
      expect(response.data.error.code).to.equal('TEMPLATE_VARIABLES');
      expect(response.data.error.details.missing).to.deep.equal(['variables.code']);
      expect(response.data.error.message).to.contain('code');
      expect(await countMessages()).to.equal(before);
    });

    it('an unknown template variable → 422 naming it', async () => {
      const response = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000000' }, variables: { code: '1', cdoe: '1' } });
      expect(response.status).to.equal(422);
      expect(response.data.error.details.unknown).to.deep.equal(['variables.cdoe']);
    });

    it('an invalid phone → 400 naming the field', async () => {
      const response = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '138-0000' }, variables: { code: '1' } });
      expect(response.status).to.equal(400);
      expect(response.data.error.code).to.equal('INVALID_REQUEST');
      expect(response.data.error.details[0].field).to.equal('to.phone');
    });

    it('unknown fields, malformed JSON and oversized bodies are refused', async () => {
      const extra = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000000' }, variables: { code: '1' }, priority: 'high' });
      expect(extra.status).to.equal(400);
      expect(extra.data.error.message).to.contain('priority');
      const malformed = await h.api.post('/v1/messages', '{"scene": ', { headers: { 'Content-Type': 'application/json' } });
      expect(malformed.status).to.equal(400);
      expect(malformed.data.error.code).to.equal('INVALID_BODY');
      const huge = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000000' }, variables: { code: 'x'.repeat(300_000) } });
      expect(huge.status).to.equal(413);
      expect(huge.data.error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('an unknown message id → 404, a malformed one → 400', async () => {
      expect((await h.api.get('/v1/messages/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
      const bad = await h.api.get('/v1/messages/not-an-id');
      expect(bad.status).to.equal(400);
      expect(bad.data.error.details.field).to.equal('id');
    });
  });

  it('GET shows status, channel, gateway, attempts and the trace, and never a credential', async () => {
    const sent = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000000' }, variables: { code: '654321' } });
    const message = await h.waitForMessage(sent.data.id);
    expect(message).to.include({ status: 'SUCCEEDED', channel: 'SMS', gateway: 'sms-primary', attempts: 1 });
    expect(message.events.length).to.be.greaterThan(3);
    expect(JSON.stringify(message)).not.to.contain('sandbox-secret');
  });

  it('lists with filters and cursor pagination', async () => {
    // Messages of earlier tests are in the same database: the window starts with this test.
    const since = new Date(Date.now() - 50).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: `+861380000010${i}` }, variables: { code: String(i) } });
      ids.push(sent.data.id);
    }
    const mail = await h.api.post('/v1/messages', { scene: 'welcome-email', to: { email: 'Filter@Example.test' }, variables: { name: 'F' } });
    for (const id of [...ids, mail.data.id]) await h.waitForMessage(id);

    const page1 = await h.api.get('/v1/messages', { params: { scene: 'login-otp', status: 'SUCCEEDED', from: since, limit: 2 } });
    expect(page1.status).to.equal(200);
    expect(page1.data.items).to.have.length(2);
    const page2 = await h.api.get('/v1/messages', { params: { scene: 'login-otp', status: 'SUCCEEDED', from: since, limit: 2, cursor: page1.data.nextCursor } });
    const page3 = await h.api.get('/v1/messages', { params: { scene: 'login-otp', status: 'SUCCEEDED', from: since, limit: 2, cursor: page2.data.nextCursor } });
    const listed = [...page1.data.items, ...page2.data.items, ...page3.data.items].map((m: { id: string }) => m.id);
    expect(page3.data.nextCursor).to.equal(null);
    expect(listed.filter((id) => ids.includes(id)).sort()).to.deep.equal([...ids].sort());
    expect(listed).not.to.include(mail.data.id);

    const byPhone = await h.api.get('/v1/messages', { params: { recipient: '+8613800000102', from: since } });
    expect(byPhone.data.items.map((m: { id: string }) => m.id)).to.deep.equal([ids[2]]);
    const byEmail = await h.api.get('/v1/messages', { params: { recipient: 'filter@example.test', from: since } });
    expect(byEmail.data.items.map((m: { id: string }) => m.id)).to.deep.equal([mail.data.id]);

    const badStatus = await h.api.get('/v1/messages', { params: { status: 'DONE' } });
    expect(badStatus.status).to.equal(400);
    expect(badStatus.data.error.details[0].field).to.equal('status');
    const badCursor = await h.api.get('/v1/messages', { params: { cursor: 'garbage' } });
    expect(badCursor.status).to.equal(422);
  });

  it('batch: each item its own workflow and its own result', async () => {
    const response = await h.api.post('/v1/messages/batch', {
      messages: [
        { scene: 'login-otp', to: { phone: '+8613800000201' }, variables: { code: '1' } },
        { scene: 'no-such-scene', to: { phone: '+8613800000202' } },
        { scene: 'login-otp', to: { phone: 'bad' }, variables: { code: '1' } },
        { scene: 'welcome-email', to: { email: 'b@example.test' }, variables: { name: 'B' }, idempotencyKey: 'batch-item-4' },
      ],
    });
    expect(response.status).to.equal(200);
    expect(response.data).to.include({ accepted: 2, rejected: 2 });
    const [ok, unknown, invalid, mail] = response.data.results;
    expect(ok.status).to.equal(202);
    expect(unknown).to.deep.include({ status: 404 });
    expect(unknown.error.code).to.equal('SCENE_NOT_FOUND');
    expect(invalid.status).to.equal(400);
    expect(invalid.error.details[0].field).to.equal('messages.2.to.phone');
    expect(mail.status).to.equal(202);
    expect((await h.waitForMessage(ok.id)).status).to.equal('SUCCEEDED');
    expect((await h.waitForMessage(mail.id)).status).to.equal('SUCCEEDED');
    const again = await h.api.post('/v1/messages/batch', { messages: [{ scene: 'welcome-email', to: { email: 'b@example.test' }, variables: { name: 'B' }, idempotencyKey: 'batch-item-4' }] });
    expect(again.data.results[0]).to.deep.include({ status: 200, id: mail.id });
  });

  it('health and unknown routes', async () => {
    expect((await h.api.get('/health/live')).status).to.equal(200);
    const missing = await h.api.get('/v2/nothing');
    expect(missing.status).to.equal(404);
    expect(missing.data.error.code).to.equal('ROUTE_NOT_FOUND');
  });
});

import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { stack } from '../helpers/global';
import { startHarness, type Harness } from '../helpers/harness';
import { collect, freshTopics, produce, startBridge, waitFor, type Topics } from './bridge-harness';
import { TERMINAL_STATUSES } from '../../src/messages/channels';

const otp = (phone: string, code = '123456') => JSON.stringify({ scene: 'login-otp', to: { phone }, variables: { code } });

describe('Kafka bridge (real broker, Temporal, PostgreSQL)', function () {
  this.timeout(240_000);
  let h: Harness;
  let topics: Topics;
  let bridge: Awaited<ReturnType<typeof startBridge>> | undefined;
  beforeEach(async () => {
    h = await startHarness();
    topics = await freshTopics();
  });
  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
    await h.stop();
  });

  const byKey = (key: string) => stack().db.message.findMany({ where: { idempotencyKey: key } });

  it('a valid record completes end to end and its status events arrive in order, keyed by message id', async () => {
    const status = await collect(topics.status);
    bridge = await startBridge(h.messages, topics);
    await produce(topics.requests, [{ key: 'kafka-e2e-1', value: otp('+8613800000401') }]);
    await waitFor('the message', async () => (await byKey('kafka-e2e-1')).length === 1);
    const [stored] = await byKey('kafka-e2e-1');
    expect(stored!.source).to.equal('kafka');
    const message = await h.waitForMessage(stored!.id);
    expect(message.status).to.equal('SUCCEEDED');
    await waitFor('two status events', () => status.records.filter((r) => r.key === stored!.id).length >= 2);
    const events = status.records.filter((r) => r.key === stored!.id);
    await status.stop();
    expect(events.map((e) => JSON.parse(e.value!).status)).to.deep.equal(['PENDING', 'SUCCEEDED']);
    expect(events.map((e) => e.headers['event-id'])).to.deep.equal([`${stored!.id}:status:PENDING`, `${stored!.id}:status:SUCCEEDED`]);
    expect(new Set(events.map((e) => e.partition)).size).to.equal(1);
    expect(JSON.parse(events[1]!.value!)).to.include({ gateway: 'sms-primary', scene: 'login-otp', source: 'kafka' });
    expect(events[1]!.value).not.to.contain('8613800000401');
  });

  it('status events of a message sent while no bridge ran are published when one starts (the outbox survives restarts)', async () => {
    const sent = await h.api.post('/v1/messages', { scene: 'welcome-email', to: { email: 'outbox@example.test' }, variables: { name: 'O' } });
    await h.waitForMessage(sent.data.id);
    const status = await collect(topics.status);
    bridge = await startBridge(h.messages, topics);
    await waitFor('its status events', () => status.records.filter((r) => r.key === sent.data.id).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = status.records.filter((r) => r.key === sent.data.id);
    await status.stop();
    expect(events.map((e) => JSON.parse(e.value!).status)).to.deep.equal(['PENDING', 'SUCCEEDED']);
    expect(JSON.parse(events[0]!.value!).source).to.equal('api');
  });

  it('dead-letters malformed JSON, a schema violation, an oversized record and an unknown scene, each with its reason', async () => {
    const dlq = await collect(topics.dlq);
    bridge = await startBridge(h.messages, topics, { maxRecordBytes: 4096 });
    await produce(topics.requests, [
      { key: 'bad-json', value: '{"scene": "login-otp", ', headers: { trace: 'a' } },
      { key: 'bad-schema', value: JSON.stringify({ scene: 'login-otp', to: { phone: 'not-a-phone' } }) },
      { key: 'too-big', value: JSON.stringify({ scene: 'login-otp', to: { phone: '+8613800000402' }, variables: { code: 'x'.repeat(5000) } }) },
      { key: 'no-scene', value: JSON.stringify({ scene: 'nope', to: { phone: '+8613800000403' } }) },
      { key: 'good-after-bad', value: otp('+8613800000404') },
    ]);
    await waitFor('four dead letters', () => dlq.records.length >= 4);
    await waitFor('the good record', async () => (await byKey('good-after-bad')).length === 1);
    expect((await h.waitForMessage((await byKey('good-after-bad'))[0]!.id)).status).to.equal('SUCCEEDED');
    await dlq.stop();
    const reasons = Object.fromEntries(dlq.records.map((r) => [r.key, r]));
    expect(reasons['bad-json']!.headers['x-dlq-reason-code']).to.equal('INVALID_JSON');
    expect(reasons['bad-json']!.headers.trace).to.equal('a');
    expect(reasons['bad-json']!.value).to.equal('{"scene": "login-otp", ');
    expect(reasons['bad-schema']!.headers['x-dlq-reason-code']).to.equal('INVALID_REQUEST');
    expect(reasons['bad-schema']!.headers['x-dlq-reason']).to.contain('to.phone');
    expect(reasons['too-big']!.headers['x-dlq-reason-code']).to.equal('RECORD_TOO_LARGE');
    expect(reasons['no-scene']!.headers['x-dlq-reason-code']).to.equal('SCENE_NOT_FOUND');
    expect(reasons['no-scene']!.headers['x-dlq-source-topic']).to.equal(topics.requests);
    expect(bridge.requests.deadLetterCount).to.equal(4);
    for (const key of ['bad-json', 'bad-schema', 'too-big', 'no-scene']) expect(await byKey(key)).to.have.length(0);
  });

  it('the same record produced three times → one message, one workflow, one provider request', async () => {
    bridge = await startBridge(h.messages, topics);
    const record = { key: 'produced-thrice', value: otp('+8613800000405') };
    await produce(topics.requests, [record, record, record]);
    await waitFor('the message', async () => (await byKey('produced-thrice')).length === 1);
    const [stored] = await byKey('produced-thrice');
    await h.waitForMessage(stored!.id);
    // Give the later copies time to be consumed too.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await byKey('produced-thrice')).to.have.length(1);
    expect(h.sandbox.requests({ to: '+8613800000405' })).to.have.length(1);
    const { count } = await h.temporal.workflow.count(`SenderMessageId = '${stored!.id}'`);
    expect(count).to.equal(1);
  });

  it('a batch record becomes one message per item; the Idempotency-Key header wins over the record key', async () => {
    bridge = await startBridge(h.messages, topics);
    await produce(topics.requests, [
      {
        key: 'ignored-key',
        headers: { 'Idempotency-Key': 'batch-rec' },
        value: JSON.stringify({ messages: [{ scene: 'login-otp', to: { phone: '+8613800000406' }, variables: { code: '1' } }, { scene: 'welcome-email', to: { email: 'k@example.test' }, variables: { name: 'K' } }] }),
      },
    ]);
    await waitFor('two sent messages', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: ['batch-rec#0', 'batch-rec#1'] }, status: 'SUCCEEDED' } })) === 2);
  });

  it('1,000 records over 6 partitions → 1,000 workflows and 1,000 terminal statuses', async () => {
    bridge = await startBridge(h.messages, topics);
    const run = randomUUID().slice(0, 8);
    const records = Array.from({ length: 1000 }, (_, i) => ({ key: `bulk-${run}-${i}`, value: otp(`+86137${String(i).padStart(8, '0')}`, String(i)) }));
    await produce(topics.requests, records);
    const keys = records.map((r) => r.key);
    await waitFor('1,000 terminal messages', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys }, status: { in: [...TERMINAL_STATUSES] } } })) === 1000, 200_000);
    expect(await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })).to.equal(1000);
    expect(await stack().db.message.count({ where: { idempotencyKey: { in: keys }, status: 'SUCCEEDED' } })).to.equal(1000);
    const { count } = await h.temporal.workflow.count(`TaskQueue = '${h.taskQueue}'`);
    expect(count).to.equal(1000);
    expect(h.sandbox.requests({ api: 'sms' })).to.have.length(1000);
  });
});

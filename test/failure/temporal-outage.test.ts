import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { RecoverySweep } from '../../src/worker/recovery';
import { freshTopics, produce, startBridge, waitFor } from '../bridge/bridge-harness';
import { ownsTemporal, stack, stopTemporal } from '../helpers/global';
import { startHarness, type Harness } from '../helpers/harness';
import { TERMINAL_STATUSES } from '../../src/messages/channels';


describe('Temporal outage', function () {
  this.timeout(240_000);
  let h: Harness;
  let restart: (() => Promise<void>) | undefined;

  before(function () {
    // The suite can only stop a server it started; with TEMPORAL_ADDRESS the outage is not ours to cause.
    if (!ownsTemporal()) this.skip();
  });
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => {
    if (restart) await restart();
    restart = undefined;
    await h.stop();
  });

  it('REST: the message is kept (503 with its id) and the recovery sweep sends it once Temporal is back', async () => {
    restart = await stopTemporal();
    const response = await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000501' }, variables: { code: '1' } });
    expect(response.status).to.equal(503);
    expect(response.data.error.code).to.equal('TEMPORAL_UNAVAILABLE');
    const id = response.data.error.details.messageId as string;
    expect((await stack().db.message.findUniqueOrThrow({ where: { id } })).status).to.equal('PENDING');

    await restart();
    restart = undefined;
    const sweep = new RecoverySweep({ db: stack().db, temporal: h.temporal, taskQueue: h.taskQueue, logger: createLogger('test', 'silent'), graceMs: 0 });
    expect(await sweep.sweepOnce()).to.be.at.least(1);
    const message = await h.waitForMessage(id, undefined, 60_000);
    expect(message.status).to.equal('SUCCEEDED');
    // A later sweep must not send it again (other tests' messages in the shared database may be swept too).
    await sweep.sweepOnce();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.sandbox.requests({ to: '+8613800000501' })).to.have.length(1);
    expect((await h.temporal.workflow.count(`SenderMessageId = '${id}'`)).count).to.equal(1);
  });

  it('Kafka: records that arrive while Temporal is down are held, then every one is processed exactly once', async () => {
    const topics = await freshTopics();
    const bridge = await startBridge(h.messages, topics);
    try {
      const run = randomUUID().slice(0, 8);
      const before = Array.from({ length: 20 }, (_, i) => ({ key: `outage-${run}-a${i}`, value: JSON.stringify({ scene: 'login-otp', to: { phone: `+86136${String(i).padStart(8, '0')}` }, variables: { code: '1' } }) }));
      const during = Array.from({ length: 40 }, (_, i) => ({ key: `outage-${run}-b${i}`, value: JSON.stringify({ scene: 'login-otp', to: { phone: `+86135${String(i).padStart(8, '0')}` }, variables: { code: '2' } }) }));
      const keys = [...before, ...during].map((r) => r.key);
      await produce(topics.requests, before);
      await waitFor('the first records', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })) >= 5);

      restart = await stopTemporal();
      await produce(topics.requests, during);
      // Held, not lost and not skipped: for a while nothing can be started.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await restart();
      restart = undefined;

      await waitFor('60 terminal messages', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys }, status: { in: [...TERMINAL_STATUSES] } } })) === 60, 180_000);
      expect(await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })).to.equal(60);
      expect(await stack().db.message.count({ where: { idempotencyKey: { in: keys }, status: 'SUCCEEDED' } })).to.equal(60);
      const calls = h.sandbox.requests({ api: 'sms' });
      expect(calls).to.have.length(60);
      expect(new Set(calls.map((c) => c.to)).size).to.equal(60);
    } finally {
      await bridge.stop();
    }
  });
});

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { freshTopics, produce, startBridge, waitFor, type Topics } from '../bridge/bridge-harness';
import { stack } from '../helpers/global';
import { startHarness, type Harness } from '../helpers/harness';
import { TERMINAL_STATUSES } from '../../src/messages/channels';

const ROOT = path.join(__dirname, '..', '..');

function records(run: string, count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => ({
    key: `${run}-${i}`,
    value: JSON.stringify({ scene: 'login-otp', to: { phone: `${prefix}${String(i).padStart(7, '0')}` }, variables: { code: String(i) } }),
  }));
}

/** The real bridge process (src/bridge/main.ts), wired to this test's topics and task queue. */
function spawnBridge(h: Harness, topics: Topics): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/bridge/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      DATABASE_URL: stack().database.url,
      TEMPORAL_ADDRESS: stack().temporal.address,
      TEMPORAL_NAMESPACE: stack().temporal.namespace,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      KAFKA_BROKERS: stack().kafka.brokers.join(','),
      KAFKA_REQUESTS_TOPIC: topics.requests,
      KAFKA_DLQ_TOPIC: topics.dlq,
      KAFKA_STATUS_TOPIC: topics.status,
      KAFKA_GROUP_ID: topics.group,
    },
  });
}

describe('bridge crashes and rebalances lose nothing and send nothing twice', function () {
  this.timeout(300_000);
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(async () => h.stop());

  async function expectEachOnce(keys: string[]) {
    await waitFor(`${keys.length} terminal messages`, async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys }, status: { in: [...TERMINAL_STATUSES] } } })) === keys.length, 200_000);
    expect(await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })).to.equal(keys.length);
    expect(await stack().db.message.count({ where: { idempotencyKey: { in: keys }, status: 'SUCCEEDED' } })).to.equal(keys.length);
    const calls = h.sandbox.requests({ api: 'sms' });
    expect(calls).to.have.length(keys.length);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).to.equal(keys.length);
  }

  it('the bridge process killed (SIGKILL) mid-batch and restarted → every record processed once', async () => {
    const topics = await freshTopics();
    const run = `crash-${randomUUID().slice(0, 8)}`;
    const batch = records(run, 300, '+861340');
    const keys = batch.map((r) => r.key);
    await produce(topics.requests, batch);
    const first = spawnBridge(h, topics);
    await waitFor('some records consumed', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })) >= 40, 120_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const consumedBeforeCrash = await stack().db.message.count({ where: { idempotencyKey: { in: keys } } });
    expect(consumedBeforeCrash).to.be.lessThan(300);

    const second = spawnBridge(h, topics);
    try {
      await expectEachOnce(keys);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  });

  it('a second bridge joining and the first leaving mid-stream (two rebalances) → every record processed once', async () => {
    const topics = await freshTopics();
    const run = `rebalance-${randomUUID().slice(0, 8)}`;
    const batch = records(run, 300, '+861330');
    const keys = batch.map((r) => r.key);
    const a = await startBridge(h.messages, topics);
    await produce(topics.requests, batch);
    await waitFor('some records consumed', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })) >= 30, 120_000);
    const b = await startBridge(h.messages, topics);
    await waitFor('more records consumed', async () => (await stack().db.message.count({ where: { idempotencyKey: { in: keys } } })) >= 120, 120_000);
    await a.stop();
    try {
      await expectEachOnce(keys);
    } finally {
      await b.stop();
    }
  });
});

/**
 * Replays SendMessage histories through the current workflow code: a change that is not
 * replay-compatible (reordered activities, a new timer, different gateway order) fails here instead of
 * breaking running workflows in production.
 *
 * Two sources: histories committed under test/workflows/histories (recorded from an earlier version
 * of the code: the compatibility promise) and histories recorded in this run. To refresh the
 * committed ones after an intended, versioned change: RECORD_HISTORIES=1 npm test -- test/workflows/replay.test.ts
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { stack } from '../helpers/global';
import { startHarness, type Harness } from '../helpers/harness';

const HISTORIES = path.join(__dirname, 'histories');

async function replayAll(histories: { workflowId: string; history: unknown }[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const iterable = Worker.runReplayHistories({ workflowBundle: stack().workflowBundle, replayName: 'send-message-replay' }, histories.map((h) => ({ workflowId: h.workflowId, history: historyFromJSON(h.history) })));
  for await (const result of iterable) results.push(result);
  return results;
}

describe('SendMessage replay', () => {
  it('replays every committed history without a non-determinism error', async () => {
    const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length, 'committed histories').to.be.at.least(4);
    const histories = files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')) }));
    const results = await replayAll(histories);
    expect(results).to.have.length(files.length);
    for (const result of results) expect(result.error, `${result.workflowId}: ${result.error?.message}`).to.equal(undefined);
  });

  describe('histories recorded now', () => {
    let h: Harness;
    beforeEach(async () => (h = await startHarness()));
    afterEach(async () => h.stop());

    it('replays success, failover, rejection, Retry-After and cancel', async () => {
      const scenarios: Record<string, () => Promise<string>> = {
        success: async () => (await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000301' }, variables: { code: '1' } })).data.id,
        failover: async () => {
          h.sandbox.addRule({ match: { path: '/primary/sms/send', to: '+8613800000302' }, respond: [{ outcome: 'error' }] });
          return (await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000302' }, variables: { code: '2' } })).data.id;
        },
        rejected: async () => {
          h.sandbox.addRule({ match: { to: '+8613800000303' }, respond: [{ outcome: 'reject' }] });
          return (await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000303' }, variables: { code: '3' } })).data.id;
        },
        'retry-after': async () => {
          h.sandbox.addRule({ match: { to: '+8613800000304' }, respond: [{ outcome: 'throttle', retryAfterSeconds: 1 }], times: 1 });
          return (await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000304' }, variables: { code: '4' } })).data.id;
        },
        cancelled: async () => {
          const sendAt = new Date(Date.now() + 3600_000).toISOString();
          const id = (await h.api.post('/v1/messages', { scene: 'login-otp', to: { phone: '+8613800000305' }, variables: { code: '5' }, sendAt })).data.id;
          await h.api.post(`/v1/messages/${id}/cancel`, {});
          return id;
        },
      };
      const recorded: { name: string; workflowId: string; history: unknown }[] = [];
      for (const [name, run] of Object.entries(scenarios)) {
        const id = await run();
        const message = await h.waitForMessage(id);
        const handle = h.temporal.workflow.getHandle(message.workflowId);
        await handle.result();
        recorded.push({ name, workflowId: message.workflowId, history: JSON.parse(historyToJSON(await handle.fetchHistory())) });
      }
      const results = await replayAll(recorded);
      expect(results).to.have.length(recorded.length);
      for (const result of results) expect(result.error, `${result.workflowId}: ${result.error?.message}`).to.equal(undefined);

      if (process.env.RECORD_HISTORIES === '1') {
        for (const file of fs.readdirSync(HISTORIES)) fs.rmSync(path.join(HISTORIES, file));
        for (const r of recorded) fs.writeFileSync(path.join(HISTORIES, `${r.name}.json`), JSON.stringify(r.history, null, 1));
      }
    });
  });
});

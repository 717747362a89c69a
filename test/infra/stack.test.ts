import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createKafka } from '../../src/bridge/kafka';
import { ensureTopics } from '../../src/bridge/topics';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/temporal/names';
import { stack } from '../helpers/global';

describe('the stack started by the test tooling', () => {
  it('Temporal answers and has the project\'s search attributes registered', async () => {
    const connection = await Connection.connect({ address: stack().temporal.address });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).to.be.a('string').with.length.greaterThan(0);
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: stack().temporal.namespace });
      for (const name of Object.keys(SEARCH_ATTRIBUTE_TYPES)) expect(customAttributes, name).to.have.property(name);
    } finally {
      await connection.close();
    }
  });

  it('uses the machine\'s PostgreSQL server where one is installed (PGlite only where none is)', function () {
    if (process.env.DATABASE_URL) this.skip(); // the user's own database: nothing to choose
    let installed = false;
    try {
      installed = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' }).trim().length > 0;
    } catch {
      installed = false;
    }
    expect(stack().database.kind).to.equal(installed ? 'postgres' : 'pglite');
  });

  it('the database is migrated: every migration applied, tables present', async () => {
    const applied = await stack().db.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`select migration_name, finished_at from _prisma_migrations`;
    expect(applied.length).to.be.greaterThan(0);
    for (const row of applied) expect(row.finished_at, row.migration_name).to.not.equal(null);
    const tables = await stack().db.$queryRaw<{ table_name: string }[]>`select table_name from information_schema.tables where table_schema = 'public'`;
    expect(tables.map((t) => t.table_name)).to.include.members(['scene', 'scene_template', 'channel', 'gateway', 'message', 'message_event']);
  });

  it('a Kafka topic can be created, produced to and consumed from', async () => {
    const topic = `smoke-${randomUUID()}`;
    await ensureTopics(stack().kafka.brokers, [{ topic, partitions: 3 }]);
    const kafka = createKafka(stack().kafka.brokers, 'stack-test');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed only ${seen.length} of 10`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 10) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(seen.sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `v${i}`).sort());
  });
});

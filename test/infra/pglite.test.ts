import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, startPglite } from '../../scripts/infra/postgres';
import { freePort } from '../../scripts/infra/process';
import { createDb } from '../../src/db/client';
import { seedConfiguration } from '../../src/db/seed';

describe('embedded PostgreSQL for npm run dev (PGlite on a local port)', function () {
  this.timeout(120_000);

  it('takes the migrations, the seed and Prisma queries over a pool, and keeps its data across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sender-pglite-'));
    const port = await freePort();
    try {
      let server = await startPglite({ dataDir, port });
      await migrate(server.url);
      let db = createDb(server.url, 4);
      await seedConfiguration(db, { providerUrl: 'http://127.0.0.1:4010' });
      const counts = await Promise.all([db.scene.count(), db.gateway.count(), db.channel.count()]);
      expect(counts).to.deep.equal([4, 5, 4]);
      await db.$disconnect();
      await server.stop();

      server = await startPglite({ dataDir, port });
      db = createDb(server.url, 2);
      expect(await db.scene.findUnique({ where: { code: 'login-otp' } })).to.include({ name: 'Login one-time code' });
      await migrate(server.url); // already applied: recognised without the CLI
      await db.$disconnect();
      await server.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * Serves an embedded PGlite database (real Postgres compiled to WebAssembly) on a local TCP port, so
 * `npm run dev` needs no installed Postgres. Run as its own process: PGlite is single-threaded.
 *   tsx scripts/infra/pglite-server.ts <dataDir> <port>
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const [dataDir, portText] = process.argv.slice(2);
  if (!dataDir || !portText) throw new Error('usage: pglite-server <dataDir> <port>');
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, port: Number(portText), host: '127.0.0.1', maxConnections: 20 });
  await server.start();
  console.log(`pglite listening on 127.0.0.1:${portText} (data ${dataDir})`);
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

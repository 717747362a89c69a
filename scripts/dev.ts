/**
 * npm run dev: Temporal (with its UI), the database, Kafka, the sandbox provider, then the worker, the
 * REST API and the Kafka bridge as child processes. Each infrastructure piece is replaced by the
 * user's own when TEMPORAL_ADDRESS, DATABASE_URL or KAFKA_BROKERS is set. State is kept under
 * .local/data, so a second run finds its data again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ensureKafka, startKafka, type KafkaBroker } from './infra/kafka';
import { migrate, startPglite, type Database } from './infra/postgres';
import { LOCAL_DIR, portOpen, runToCompletion, waitForHttp } from './infra/process';
import { ensureTemporalCli, startTemporal, type TemporalServer } from './infra/temporal';
import { ensureTopics } from '../src/bridge/topics';

const ROOT = path.join(__dirname, '..');
const DATA = path.join(LOCAL_DIR, 'data');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

const settings = {
  apiPort: Number(process.env.API_PORT ?? 3000),
  temporalPort: Number(process.env.DEV_TEMPORAL_PORT ?? 7233),
  temporalUiPort: Number(process.env.DEV_TEMPORAL_UI_PORT ?? 8233),
  kafkaPort: Number(process.env.DEV_KAFKA_PORT ?? 9092),
  kafkaControllerPort: Number(process.env.DEV_KAFKA_CONTROLLER_PORT ?? 9093),
  pgPort: Number(process.env.DEV_PG_PORT ?? 5433),
  sandboxPort: Number(process.env.SANDBOX_PORT ?? 4010),
  requestsTopic: process.env.KAFKA_REQUESTS_TOPIC ?? 'sender.requests',
  dlqTopic: process.env.KAFKA_DLQ_TOPIC ?? 'sender.requests.dlq',
  statusTopic: process.env.KAFKA_STATUS_TOPIC ?? 'sender.status',
};

const colors = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const children: ChildProcess[] = [];
const services: { stop(): Promise<void> }[] = [];
let stopping = false;

function say(message: string): void {
  console.log(`\x1b[1m[dev]\x1b[0m ${message}`);
}

function startChild(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const color = colors[children.length % colors.length];
  // node --import tsx keeps each child one process, so a signal reaches the app itself.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`${color}${name.padEnd(8)}\x1b[0m| ${line}`));
  }
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function shutdown(code: number): Promise<never> {
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
        }),
    ),
  );
  await Promise.allSettled(services.map((service) => service.stop()));
  say('stopped');
  process.exit(code);
}

async function database(): Promise<Database> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, kind: 'external', stop: async () => undefined };
  return startPglite({ dataDir: path.join(DATA, 'pglite'), port: settings.pgPort });
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  const started = Date.now();
  if (await portOpen(settings.apiPort)) throw new Error(`port ${settings.apiPort} is taken; set API_PORT to another port`);

  say('starting Temporal, the database, Kafka and the sandbox provider…');
  const [temporal, db, kafka] = await Promise.all([
    (async (): Promise<TemporalServer> => {
      if (!process.env.TEMPORAL_ADDRESS) await ensureTemporalCli();
      const server = await startTemporal({ dataDir: path.join(DATA, 'temporal'), port: settings.temporalPort, uiPort: settings.temporalUiPort });
      services.push(server);
      return server;
    })(),
    (async () => {
      const db = await database();
      services.push(db);
      await migrate(db.url);
      await runToCompletion('seed', TSX, ['prisma/seed.ts'], { DATABASE_URL: db.url, SANDBOX_URL: `http://127.0.0.1:${settings.sandboxPort}` }, ROOT);
      return db;
    })(),
    (async (): Promise<KafkaBroker> => {
      if (!process.env.KAFKA_BROKERS) await ensureKafka();
      const broker = await startKafka({ dataDir: path.join(DATA, 'kafka'), port: settings.kafkaPort, controllerPort: settings.kafkaControllerPort });
      services.push(broker);
      await ensureTopics(broker.brokers, [
        { topic: settings.requestsTopic, partitions: 6 },
        { topic: settings.dlqTopic, partitions: 1 },
        { topic: settings.statusTopic, partitions: 6 },
      ]);
      return broker;
    })(),
  ]);

  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_REQUESTS_TOPIC: settings.requestsTopic,
    KAFKA_DLQ_TOPIC: settings.dlqTopic,
    KAFKA_STATUS_TOPIC: settings.statusTopic,
    API_PORT: String(settings.apiPort),
    SANDBOX_PORT: String(settings.sandboxPort),
  };
  startChild('sandbox', 'src/sandbox/main.ts', env);
  startChild('worker', 'src/worker/main.ts', env);
  startChild('bridge', 'src/bridge/main.ts', env);
  startChild('api', 'src/api/main.ts', env);
  const api = `http://127.0.0.1:${settings.apiPort}`;
  await waitForHttp(`${api}/health/ready`);

  const curl = `curl -s -X POST ${api}/v1/messages -H 'Content-Type: application/json' -d '{"scene":"login-otp","to":{"phone":"+8613800000000"},"variables":{"code":"123456"}}'`;
  console.log(`
\x1b[1mtemporal-sender is running\x1b[0m (ready in ${((Date.now() - started) / 1000).toFixed(1)}s)
  REST API          ${api}                 (GET ${api}/v1/messages)
  Temporal UI       ${temporal.uiUrl ?? '(external server: use its own UI)'}
  Temporal          ${temporal.address}   namespace ${temporal.namespace}
  Database          ${db.kind === 'pglite' ? `embedded PGlite, ${db.url}` : db.kind === 'external' ? 'DATABASE_URL' : db.url}
  Kafka             ${kafka.brokers.join(',')}  requests: ${settings.requestsTopic}  status: ${settings.statusTopic}  dead letters: ${settings.dlqTopic}
  Sandbox provider  http://127.0.0.1:${settings.sandboxPort}/_sandbox/requests
  Logs of the infrastructure: ${path.join(LOCAL_DIR, 'logs')}

Send a message:
  ${curl}
Then: curl -s ${api}/v1/messages/<id>
${temporal.uiUrl ? `Its workflow in the Temporal UI: ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows?query=${encodeURIComponent('SenderScene="login-otp"')}
` : ''}
Ctrl-C stops everything.
`);
}

main().catch(async (error) => {
  console.error(`\x1b[31m[dev] ${error instanceof Error ? error.message : String(error)}\x1b[0m`);
  await shutdown(1);
});

import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import axios, { type AxiosInstance } from 'axios';
import { createApp } from '../../src/api/app';
import { ConfigReader } from '../../src/db/config-reader';
import { seedConfiguration, type SeedOptions } from '../../src/db/seed';
import { createLogger, type Logger } from '../../src/logger';
import { MessageService } from '../../src/messages/service';
import { startSandboxProvider, type SandboxProvider } from '../../src/sandbox/server';
import { createSendWorker } from '../../src/worker/create-worker';
import { stack } from './global';
import { TERMINAL_STATUSES } from '../../src/messages/channels';

export interface Harness {
  /** The REST API on a local port; answers with any status (no throw). */
  api: AxiosInstance;
  apiUrl: string;
  sandbox: SandboxProvider;
  messages: MessageService;
  temporal: Client;
  taskQueue: string;
  worker: Worker;
  /** Polls GET /v1/messages/:id until the status is terminal (or `until` matches). */
  waitForMessage(id: string, until?: (message: MessageBody) => boolean, timeoutMs?: number): Promise<MessageBody>;
  stop(): Promise<void>;
}

export interface MessageBody {
  id: string;
  status: string;
  channel: string | null;
  gateway: string | null;
  attempts: number;
  error: { code: string; message: string | null } | null;
  providerMessageId: string | null;
  workflowId: string;
  events: { type: string; status: string | null; data: Record<string, unknown> }[];
  [key: string]: unknown;
}

const quietLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** Fast retries so failure cases finish in seconds; Retry-After still wins over these. */
export const TEST_RETRY = { maxAttemptsPerGateway: 3, initialIntervalMs: 100, maxIntervalMs: 500, backoffCoefficient: 2 };

/**
 * Everything one test needs on top of the shared services: a scriptable provider, the configuration
 * re-seeded to point at it, a fresh task queue with its own worker, and the API on a local port.
 */
export async function startHarness(options: { seed?: Partial<SeedOptions>; worker?: boolean; logger?: Logger } = {}): Promise<Harness> {
  const logger = options.logger ?? quietLogger;
  const { db, temporal: server, workflowBundle } = stack();
  const sandbox = await startSandboxProvider();
  await seedConfiguration(db, { providerUrl: sandbox.url, retry: TEST_RETRY, replace: true, ...options.seed });

  const taskQueue = `test-${randomUUID()}`;
  const connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection, namespace: server.namespace });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createSendWorker({ connection: nativeConnection, namespace: server.namespace, taskQueue, db, logger, workflowBundle });
  const running = options.worker === false ? undefined : worker.run();

  const messages = new MessageService({ db, config: new ConfigReader(db, 0), temporal, taskQueue, logger });
  const app = createApp({ messages, logger, batchMax: 100 });
  const http: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const apiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const api = axios.create({ baseURL: apiUrl, validateStatus: () => true, proxy: false });

  return {
    api,
    apiUrl,
    sandbox,
    messages,
    temporal,
    taskQueue,
    worker,
    async waitForMessage(id, until = (m) => (TERMINAL_STATUSES as readonly string[]).includes(m.status), timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: MessageBody | undefined;
      while (Date.now() < deadline) {
        const response = await api.get<MessageBody>(`/v1/messages/${id}`);
        if (response.status === 200) {
          last = response.data;
          if (until(last)) return last;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`message ${id} did not reach the expected state; last seen: ${JSON.stringify(last?.status)}`);
    },
    async stop() {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      if (running) {
        worker.shutdown();
        await running;
      }
      await nativeConnection.close();
      await connection.close();
      await sandbox.close();
    },
  };
}

import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import axios from 'axios';
import http from 'node:http';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { Db } from '../db/client';
import { ConfigReader } from '../db/config-reader';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createProviderRegistry, type ProviderRegistry } from '../providers/registry';

export const WORKFLOWS_PATH = path.join(__dirname, '..', '..', 'workflows', 'index.ts');

export interface SendWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  logger: Logger;
  metrics?: Metrics;
  providers?: ProviderRegistry;
  config?: ConfigReader;
  /** A pre-built bundle (tests build one and share it); otherwise the worker bundles workflows/ at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
}

/** One axios instance for every provider call: keep-alive connections, no proxies from the environment. */
export function createProviderHttp() {
  return axios.create({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }), proxy: false, maxRedirects: 0 });
}

export async function createSendWorker(deps: SendWorkerDeps): Promise<Worker> {
  const activities = createActivities({
    db: deps.db,
    config: deps.config ?? new ConfigReader(deps.db),
    providers: deps.providers ?? createProviderRegistry(),
    http: createProviderHttp(),
    logger: deps.logger,
    metrics: deps.metrics,
  });
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: deps.maxConcurrentActivityTaskExecutions ?? 200,
    maxConcurrentWorkflowTaskExecutions: deps.maxConcurrentWorkflowTaskExecutions ?? 100,
    shutdownGraceTime: '15 seconds',
  });
}

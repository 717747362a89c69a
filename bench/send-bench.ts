/**
 * npm run bench [-- --messages 2000 --concurrency 64]
 *
 * Starts its own Temporal dev server, database, sandbox provider, worker and API (the worker and the
 * API as separate processes, as in production), submits N login-otp messages through
 * POST /v1/messages and prints accepted/s, completed sends/s and accept / end-to-end latency
 * percentiles. End-to-end is the send log's created_at → finished_at. A benchmark, not a test: it
 * prints figures and asserts nothing but completeness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTemporalCli, startTemporal } from '../scripts/infra/temporal';
import { migrate, testDatabase } from '../scripts/infra/postgres';
import { freePort, sleep, waitForHttp } from '../scripts/infra/process';
import { createDb } from '../src/db/client';
import { seedConfiguration } from '../src/db/seed';
import { startSandboxProvider } from '../src/sandbox/server';

const ROOT = path.join(__dirname, '..');
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const N = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function startProcess(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const log = fs.openSync(path.join(os.tmpdir(), `sender-bench-${name}.log`), 'w');
  return spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
}

/** The process's peak resident set (VmHWM), read while it still runs. */
function peakRss(child: ChildProcess): string {
  try {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return `${(kb / 1024).toFixed(0)} MiB`;
  } catch {
    return 'n/a';
  }
}

function post(agent: http.Agent, port: number, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sender-bench-'));
  const processes: ChildProcess[] = [];
  // Interrupted: end the app processes too (the infrastructure is ended by scripts/infra on exit).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of processes) child.kill('SIGKILL');
      process.exit(1);
    });
  }
  if (!process.env.TEMPORAL_ADDRESS) await ensureTemporalCli();
  const temporal = await startTemporal({ dataDir: path.join(scratch, 'temporal'), port: await freePort(), ui: false });
  const database = await testDatabase();
  try {
    await migrate(database.url);
    const db = createDb(database.url, 4);
    const sandbox = await startSandboxProvider();
    await seedConfiguration(db, { providerUrl: sandbox.url, replace: true });
    const apiPort = await freePort();
    const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, API_PORT: String(apiPort), LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20' };
    processes.push(startProcess('worker', 'src/worker/main.ts', env), startProcess('api', 'src/api/main.ts', env));
    await waitForHttp(`http://127.0.0.1:${apiPort}/health/ready`);
    // Warm-up: one message end to end so that bundling and connection set-up are not measured.
    await post(new http.Agent(), apiPort, JSON.stringify({ scene: 'login-otp', to: { phone: '+8613900000000' }, variables: { code: '0' } }));
    for (let i = 0; i < 240 && (await db.message.count({ where: { status: 'SUCCEEDED' } })) < 1; i++) await sleep(250);

    console.log(`bench: ${N} messages, concurrency ${CONCURRENCY}, database ${database.kind}, ${os.cpus().length} cores`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const acceptLatencies: number[] = [];
    const ids: string[] = [];
    let next = 0;
    let failures = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const body = JSON.stringify({ scene: 'login-otp', to: { phone: `+86139${String(i).padStart(8, '0')}` }, variables: { code: String(i % 1_000_000).padStart(6, '0') } });
          const t0 = performance.now();
          const response = await post(agent, apiPort, body);
          acceptLatencies.push(performance.now() - t0);
          if (response.status === 202) ids.push((JSON.parse(response.body) as { id: string }).id);
          else failures++;
        }
      }),
    );
    const acceptSeconds = (Date.now() - started) / 1000;

    const deadline = Date.now() + 15 * 60_000;
    let done = 0;
    while (Date.now() < deadline) {
      done = await db.message.count({ where: { id: { in: ids }, status: { in: ['SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED'] } } });
      if (done === ids.length) break;
      await sleep(500);
    }
    const rows = await db.message.findMany({ where: { id: { in: ids } }, select: { createdAt: true, finishedAt: true, status: true } });
    const e2e = rows.filter((r) => r.finishedAt).map((r) => r.finishedAt!.getTime() - r.createdAt.getTime()).sort((a, b) => a - b);
    const first = Math.min(...rows.map((r) => r.createdAt.getTime()));
    const last = Math.max(...rows.filter((r) => r.finishedAt).map((r) => r.finishedAt!.getTime()));
    const succeeded = rows.filter((r) => r.status === 'SUCCEEDED').length;
    acceptLatencies.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;

    console.log(`accepted        ${ids.length}/${N} (${failures} refused) in ${acceptSeconds.toFixed(1)} s → ${(ids.length / acceptSeconds).toFixed(1)} accepted/s`);
    console.log(`completed       ${done}/${ids.length} (${succeeded} SUCCEEDED) in ${((last - first) / 1000).toFixed(1)} s → ${(done / ((last - first) / 1000)).toFixed(1)} sends/s`);
    console.log(`accept latency  p50 ${ms(percentile(acceptLatencies, 50))}  p95 ${ms(percentile(acceptLatencies, 95))}  p99 ${ms(percentile(acceptLatencies, 99))}`);
    console.log(`end-to-end      p50 ${ms(percentile(e2e, 50))}  p95 ${ms(percentile(e2e, 95))}  p99 ${ms(percentile(e2e, 99))}`);
    console.log(`provider received ${sandbox.requests().length - 1} requests for ${ids.length} messages`);
    console.log(`peak RSS        worker ${peakRss(processes[0]!)}  api ${peakRss(processes[1]!)}`);
    await sandbox.close();
    await db.$disconnect();
    if (done !== ids.length) process.exitCode = 1;
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await temporal.stop();
    await database.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * The sandbox provider: one local HTTP server that speaks the three provider APIs this project has
 * adapters for, records every request it receives, and can be told to fail, delay or reject.
 *
 *   POST [/prefix]/sms/send            form-encoded SMS vendor API, answers {"code":"0","msgid"}
 *   POST [/prefix]/email/v3/mail/send  JSON e-mail API, answers 202 {"id"}
 *   POST [/prefix]/webhook             JSON webhook, answers 200 {"id"}
 *
 * Control (used by `npm run dev` users and by tests):
 *   GET    /_sandbox/requests     everything received, oldest first
 *   POST   /_sandbox/rules        {"match":{"api":"sms","to":"+86..."},"respond":[{...}],"times":n}
 *   DELETE /_sandbox              forget requests and rules
 * A rule's responses are used in order, the last one repeating until `times` runs out. A response is
 * {"status", "body", "headers", "delayMs"} or a shorthand {"outcome":"reject"|"busy"|"throttle"|"error"}.
 */
export type SandboxApi = 'sms' | 'email' | 'webhook';

export interface RecordedRequest {
  api: SandboxApi;
  path: string;
  to: string;
  idempotencyKey: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  at: number;
  /** The status this request was answered with. */
  status?: number;
}

export interface ScriptedResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  outcome?: 'accept' | 'reject' | 'busy' | 'throttle' | 'error' | 'hang';
  /** For "throttle": the Retry-After header in seconds. */
  retryAfterSeconds?: number;
}

export interface SandboxRule {
  match?: { api?: SandboxApi; to?: string; path?: string };
  respond: ScriptedResponse[];
  /** How many requests the rule answers; unlimited when absent. */
  times?: number;
}

export interface SandboxProvider {
  readonly url: string;
  readonly port: number;
  requests(filter?: { api?: SandboxApi; to?: string }): RecordedRequest[];
  addRule(rule: SandboxRule): void;
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: [suffix: string, api: SandboxApi][] = [
  ['/sms/send', 'sms'],
  ['/email/v3/mail/send', 'email'],
  ['/webhook', 'webhook'],
];

/** Any prefix is allowed (/primary/sms/send), so several gateways can point at one sandbox and be told apart. */
function apiOf(pathname: string): SandboxApi | undefined {
  return ROUTES.find(([suffix]) => pathname.endsWith(suffix))?.[1];
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parse(api: SandboxApi, raw: string): Record<string, unknown> {
  if (api === 'sms') return Object.fromEntries(new URLSearchParams(raw));
  try {
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    return { _raw: raw };
  }
}

function recipientOf(api: SandboxApi, body: Record<string, unknown>): string {
  if (api === 'sms') return String(body.mobile ?? '');
  if (api === 'email') return String((body.to as { email?: string }[] | undefined)?.[0]?.email ?? '');
  return String(body.to ?? '');
}

/** The answer a real provider of this API would give for an outcome. */
function shorthand(api: SandboxApi, response: ScriptedResponse): { status: number; body: unknown; headers: Record<string, string> } {
  const headers = response.headers ?? {};
  switch (response.outcome) {
    case 'reject':
      if (api === 'sms') return { status: 200, body: { code: '1002', msg: 'mobile number is invalid' }, headers };
      if (api === 'email') return { status: 400, body: { errors: [{ code: 'invalid_recipient', message: 'recipient address rejected' }] }, headers };
      return { status: 400, body: { message: 'recipient rejected' }, headers };
    case 'busy':
      if (api === 'sms') return { status: 200, body: { code: '9001', msg: 'system busy' }, headers };
      return { status: 503, body: { message: 'service unavailable' }, headers };
    case 'throttle':
      return { status: 429, body: { message: 'too many requests' }, headers: { 'Retry-After': String(response.retryAfterSeconds ?? 1), ...headers } };
    case 'error':
      return { status: 500, body: { message: 'internal error' }, headers };
    default:
      return { status: response.status ?? 200, body: response.body, headers };
  }
}

function accepted(api: SandboxApi, id: string): { status: number; body: unknown } {
  if (api === 'sms') return { status: 200, body: { code: '0', msgid: id } };
  if (api === 'email') return { status: 202, body: { id } };
  return { status: 200, body: { id } };
}

export async function startSandboxProvider(options: { port?: number; host?: string } = {}): Promise<SandboxProvider> {
  let received: RecordedRequest[] = [];
  let rules: (SandboxRule & { used: number })[] = [];
  /** Like a real provider: the same idempotency key gets the same message id back. */
  const idsByKey = new Map<string, string>();
  const sockets = new Set<Socket>();

  const matches = (rule: SandboxRule, request: RecordedRequest) =>
    (!rule.match?.api || rule.match.api === request.api) &&
    (!rule.match?.to || rule.match.to === request.to) &&
    (!rule.match?.path || rule.match.path === request.path);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    try {
      const raw = await readBody(req);
      if (url.pathname === '/_sandbox/requests' && req.method === 'GET') return send(200, received);
      if (url.pathname === '/_sandbox/rules' && req.method === 'POST') {
        const rule = JSON.parse(raw) as SandboxRule;
        if (!Array.isArray(rule.respond) || rule.respond.length === 0) return send(400, { message: 'respond must be a non-empty array' });
        rules.push({ ...rule, used: 0 });
        return send(201, { rules: rules.length });
      }
      if (url.pathname === '/_sandbox' && req.method === 'DELETE') {
        received = [];
        rules = [];
        idsByKey.clear();
        return send(204, undefined);
      }
      const api = apiOf(url.pathname);
      if (!api || req.method !== 'POST') return send(404, { message: 'not found' });

      const body = parse(api, raw);
      const idempotencyKey = String(api === 'sms' ? (body.uid ?? '') : (req.headers['idempotency-key'] ?? ''));
      const record: RecordedRequest = { api, path: url.pathname, to: recipientOf(api, body), idempotencyKey, headers: req.headers, body, at: Date.now() };
      received.push(record);

      const rule = rules.find((r) => matches(r, record) && (r.times === undefined || r.used < r.times));
      if (rule) {
        const response = rule.respond[Math.min(rule.used, rule.respond.length - 1)]!;
        rule.used++;
        if (response.outcome === 'hang') return; // never answers: the caller's timeout fires
        if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
        if (response.outcome !== undefined && response.outcome !== 'accept') {
          const answer = shorthand(api, response);
          record.status = answer.status;
          return send(answer.status, answer.body, answer.headers);
        }
        if (response.status !== undefined || response.body !== undefined) {
          record.status = response.status ?? 200;
          return send(record.status, response.body, response.headers);
        }
      }
      const id = (idempotencyKey && idsByKey.get(idempotencyKey)) || `sbx-${randomUUID()}`;
      if (idempotencyKey) idsByKey.set(idempotencyKey, id);
      const answer = accepted(api, id);
      record.status = answer.status;
      return send(answer.status, answer.body);
    } catch (error) {
      return send(500, { message: (error as Error).message });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: (filter) => received.filter((r) => (!filter?.api || r.api === filter.api) && (!filter?.to || r.to === filter.to)),
    addRule: (rule) => rules.push({ ...rule, used: 0 }),
    reset: () => {
      received = [];
      rules = [];
      idsByKey.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

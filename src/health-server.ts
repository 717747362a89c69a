import http from 'node:http';
import type { Registry } from 'prom-client';

/** /health/live, /health/ready and /metrics for processes that have no API of their own (worker, bridge). */
export async function startHealthServer(options: { port: number; host?: string; ready: () => Promise<boolean>; metrics?: Registry }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    if (req.url === '/health/live') return reply(200, '{"status":"ok"}');
    if (req.url === '/health/ready') {
      return void options
        .ready()
        .catch(() => false)
        .then((ok) => reply(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'unavailable' })));
    }
    if (req.url === '/metrics' && options.metrics) {
      const registry = options.metrics;
      return void registry.metrics().then((text) => reply(200, text, registry.contentType));
    }
    reply(404, '{"error":{"code":"ROUTE_NOT_FOUND","message":"not found"}}');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, options.host ?? '0.0.0.0', () => resolve()));
  return server;
}

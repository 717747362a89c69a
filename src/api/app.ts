import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import type { MessageService } from '../messages/service';
import { errorMiddleware } from './errors';
import { messagesRouter } from './routes/messages';

export interface AppDeps {
  messages: MessageService;
  logger: Logger;
  metrics?: Registry;
  /** Answers whether the app's dependencies are reachable, for /health/ready. */
  ready?: () => Promise<boolean>;
  bodyLimit?: string;
  batchMax?: number;
}

/** Builds the Koa app from its dependencies without listening: the composition root decides where. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  app.use(errorMiddleware(deps.logger));
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: deps.bodyLimit ?? '256kb',
      encoding: 'utf-8',
      onError: (error) => {
        throw error;
      },
    }),
  );

  const system = new Router();
  system.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  system.get('/health/ready', async (ctx) => {
    const ok = deps.ready ? await deps.ready().catch(() => false) : true;
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ok' : 'unavailable' };
  });
  if (deps.metrics) {
    const registry = deps.metrics;
    system.get('/metrics', async (ctx) => {
      ctx.type = registry.contentType;
      ctx.body = await registry.metrics();
    });
  }

  const messages = messagesRouter(deps.messages, { batchMax: deps.batchMax ?? 500 });
  app.use(system.routes()).use(system.allowedMethods());
  app.use(messages.routes()).use(messages.allowedMethods());
  return app;
}

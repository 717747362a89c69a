import Router from '@koa/router';
import { z } from 'zod';
import { AppError, badRequest } from '../../errors';
import type { MessageService } from '../../messages/service';
import { BatchRequestSchema, IdempotencyKeySchema, ListQuerySchema, SendRequestSchema, issuesOf } from '../../messages/schema';

const IdParam = z.string().uuid();

function parseId(raw: string): string {
  const parsed = IdParam.safeParse(raw);
  if (!parsed.success) throw badRequest('INVALID_ID', 'id must be a message id (UUID)', { field: 'id' });
  return parsed.data;
}

function idempotencyKeyHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(Array.isArray(value) ? value[0] : value);
  if (!parsed.success) throw badRequest('INVALID_IDEMPOTENCY_KEY', `Idempotency-Key: ${parsed.error.issues[0]?.message}`, { field: 'Idempotency-Key' });
  return parsed.data;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function messagesRouter(messages: MessageService, options: { batchMax: number }): Router {
  const router = new Router({ prefix: '/v1/messages' });

  router.post('/', async (ctx) => {
    const request = SendRequestSchema.parse(ctx.request.body ?? {});
    const idempotencyKey = idempotencyKeyHeader(ctx.get('Idempotency-Key') || undefined) ?? request.idempotencyKey;
    const { message, created } = await messages.submit(request, { idempotencyKey, source: 'api' });
    ctx.status = created ? 202 : 200;
    ctx.set('Location', `/v1/messages/${message.id}`);
    ctx.body = message;
  });

  router.post('/batch', async (ctx) => {
    const batch = BatchRequestSchema.parse(ctx.request.body ?? {});
    if (batch.messages.length > options.batchMax) {
      throw badRequest('BATCH_TOO_LARGE', `a batch holds at most ${options.batchMax} messages`, { field: 'messages' });
    }
    const results = await mapLimited(batch.messages, 16, async (item, index) => {
      const parsed = SendRequestSchema.safeParse(item);
      if (!parsed.success) {
        const details = issuesOf(parsed.error).map((d) => ({ ...d, field: `messages.${index}.${d.field}` }));
        return { index, status: 400, error: { code: 'INVALID_REQUEST', message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details } };
      }
      try {
        const { message, created } = await messages.submit(parsed.data, { source: 'api' });
        return { index, status: created ? 202 : 200, id: message.id, message };
      } catch (error) {
        if (error instanceof AppError) return { index, status: error.status, error: { code: error.code, message: error.message, details: error.details } };
        throw error;
      }
    });
    ctx.status = 200;
    ctx.body = {
      accepted: results.filter((r) => r.status === 202 || r.status === 200).length,
      rejected: results.filter((r) => r.status >= 400).length,
      results,
    };
  });

  router.get('/', async (ctx) => {
    const query = ListQuerySchema.parse(ctx.query);
    ctx.body = await messages.list(query);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await messages.get(parseId(ctx.params.id!));
  });

  router.post('/:id/cancel', async (ctx) => {
    const body = z.object({ reason: z.string().max(500).optional() }).strict().parse(ctx.request.body ?? {});
    ctx.body = await messages.cancel(parseId(ctx.params.id!), body.reason);
  });

  return router;
}

import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { issuesOf } from '../messages/schema';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** The one error middleware: every failure leaves as {"error":{"code","message","details"}}. */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'ROUTE_NOT_FOUND', message: `no route for ${ctx.method} ${ctx.path}` } } satisfies ErrorBody;
      }
    } catch (error) {
      const body = toErrorBody(error);
      ctx.status = body.status;
      ctx.body = { error: body.error } satisfies ErrorBody;
      if (body.status >= 500) logger.error({ err: error, path: ctx.path, method: ctx.method }, 'request failed');
    }
  };
}

function toErrorBody(error: unknown): { status: number; error: ErrorBody['error'] } {
  if (error instanceof AppError) {
    return { status: error.status, error: { code: error.code, message: error.message, details: error.details } };
  }
  if (error instanceof ZodError) {
    const details = issuesOf(error);
    return { status: 400, error: { code: 'INVALID_REQUEST', message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details } };
  }
  const status = (error as { status?: unknown }).status;
  const type = (error as { type?: unknown }).type;
  if (status === 413 || type === 'entity.too.large') {
    return { status: 413, error: { code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than the limit' } };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, error: { code: status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_BODY', message: 'request body is not valid JSON' } };
  }
  return { status: 500, error: { code: 'INTERNAL', message: 'internal error' } };
}

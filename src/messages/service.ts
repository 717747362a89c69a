import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Db } from '../db/client';
import { Prisma } from '../db/client';
import type { ConfigReader, SceneConfig } from '../db/config-reader';
import { AppError, conflict, notFound, unavailable, unprocessable } from '../errors';
import type { Logger } from '../logger';
import { startSendWorkflow } from '../temporal/client';
import { workflowIdFor } from '../temporal/names';
import { checkVariables, render, type RenderedContent } from '../templates/render';
import { cancelUpdate } from '../../workflows/send-message';
import { CHANNEL_ADDRESS, reachableChannels, type ChannelType, type Recipient } from './channels';
import type { ListQuery, SendRequest } from './schema';
import { toMessageView, type MessageView } from './view';

export interface MessageServiceDeps {
  db: Db;
  config: ConfigReader;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
}

export interface SubmitOptions {
  idempotencyKey?: string;
  source: 'api' | 'kafka';
}

export interface Submitted {
  message: MessageView;
  /** False when the idempotency key found an earlier message with the same request. */
  created: boolean;
}

const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600_000;

/** Canonical JSON (sorted keys) so that the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(request: SendRequest): string {
  const { idempotencyKey: _ignored, ...rest } = request;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

function recipientIndex(to: Recipient): string[] {
  return Object.entries(to)
    .filter(([, value]) => Boolean(value))
    .map(([field, value]) => `${field}:${field === 'email' ? String(value).toLowerCase() : value}`);
}

/**
 * 发送消息业务一: validates a request against the scene, records the send log as PENDING and starts
 * the SendMessage workflow (the durable second hop). The API and the Kafka bridge both call this.
 */
export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  /** Checks the request against the scene and renders its content; throws AppError before anything is stored. */
  async prepare(request: SendRequest): Promise<{ scene: SceneConfig; content: Partial<Record<ChannelType, RenderedContent>> }> {
    const scene = await this.deps.config.scene(request.scene);
    if (!scene) throw notFound('SCENE_NOT_FOUND', `scene "${request.scene}" does not exist`, { field: 'scene' });
    if (request.sendAt && Date.parse(request.sendAt) - Date.now() > MAX_SCHEDULE_AHEAD_MS) {
      throw unprocessable('SEND_AT_TOO_FAR', 'sendAt may be at most 30 days ahead', { field: 'sendAt' });
    }
    const reachable = reachableChannels(request.to);
    const usable = scene.templates.filter((t) => scene.channelOrder.includes(t.channel) && reachable.includes(t.channel));
    const problems = checkVariables(usable, scene.templates, request.variables);
    if (problems.missing.length > 0 || problems.unknown.length > 0) {
      const parts = [
        problems.missing.length ? `missing variable(s): ${problems.missing.join(', ')}` : '',
        problems.unknown.length ? `unknown variable(s): ${problems.unknown.join(', ')}` : '',
      ].filter(Boolean);
      throw unprocessable('TEMPLATE_VARIABLES', `${parts.join('; ')} for scene "${scene.code}"`, {
        missing: problems.missing.map((name) => `variables.${name}`),
        unknown: problems.unknown.map((name) => `variables.${name}`),
      });
    }
    const content: Partial<Record<ChannelType, RenderedContent>> = {};
    for (const template of usable) content[template.channel] = render(template, request.variables);
    return { scene, content };
  }

  async submit(request: SendRequest, options: SubmitOptions): Promise<Submitted> {
    const idempotencyKey = options.idempotencyKey ?? request.idempotencyKey;
    const hash = requestHash(request);
    if (idempotencyKey) {
      const existing = await this.deps.db.message.findUnique({ where: { idempotencyKey } });
      if (existing) return this.replay(existing, hash);
    }
    const { scene, content } = await this.prepare(request);
    const id = randomUUID();
    const workflowId = workflowIdFor(id);
    let stored: Prisma.MessageGetPayload<object>;
    try {
      // One round trip: the send log row and its first trace event (记录流水-待发送).
      [stored] = await this.deps.db.$transaction([
        this.deps.db.message.create({
          data: {
            id,
            idempotencyKey,
            requestHash: hash,
            sceneCode: scene.code,
            recipient: request.to as Prisma.InputJsonValue,
            recipientIndex: recipientIndex(request.to),
            variables: request.variables as Prisma.InputJsonValue,
            content: content as Prisma.InputJsonValue,
            workflowId,
            source: options.source,
            sendAt: request.sendAt ? new Date(request.sendAt) : null,
          },
        }),
        this.deps.db.messageEvent.create({
          data: { messageId: id, eventKey: 'status:PENDING', type: 'status', status: 'PENDING', data: { source: options.source, scene: scene.code } },
        }),
      ]);
    } catch (error) {
      // A concurrent submit with the same key won the insert: answer with its message.
      if (!(idempotencyKey && isUniqueViolation(error))) throw error;
      const existing = await this.deps.db.message.findUnique({ where: { idempotencyKey } });
      if (!existing) throw error;
      return this.replay(existing, hash);
    }
    await this.start(id, scene.code);
    return { message: toMessageView(stored), created: true };
  }

  private async replay(existing: Prisma.MessageGetPayload<object>, hash: string): Promise<Submitted> {
    if (existing.requestHash !== hash) {
      throw conflict('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request', { field: 'Idempotency-Key', messageId: existing.id });
    }
    // The first submit may have stored the message and then failed to start it: starting is idempotent.
    if (existing.status === 'PENDING') await this.start(existing.id, existing.sceneCode);
    return { message: toMessageView(existing), created: false };
  }

  private async start(messageId: string, scene: string): Promise<void> {
    try {
      await startSendWorkflow(this.deps.temporal, { messageId, scene, taskQueue: this.deps.taskQueue });
    } catch (error) {
      this.deps.logger.error({ messageId, err: error }, 'could not start SendMessage; the recovery sweep will retry');
      throw unavailable('TEMPORAL_UNAVAILABLE', 'the message is stored but could not be scheduled yet; it will be sent when the scheduler is back', {
        messageId,
      });
    }
  }

  async get(id: string): Promise<MessageView & { events: unknown[] }> {
    const message = await this.deps.db.message.findUnique({ where: { id }, include: { events: { orderBy: { id: 'asc' } } } });
    if (!message) throw notFound('MESSAGE_NOT_FOUND', `message ${id} does not exist`, { field: 'id' });
    return {
      ...toMessageView(message),
      events: message.events.map((event) => ({ type: event.type, status: event.status, at: event.at.toISOString(), data: event.data })),
    };
  }

  async list(query: ListQuery): Promise<{ items: MessageView[]; nextCursor: string | null }> {
    const where: Prisma.MessageWhereInput = {};
    if (query.scene) where.sceneCode = query.scene;
    if (query.status) where.status = query.status;
    if (query.channel) where.channel = query.channel;
    if (query.recipient) {
      const value = query.recipient.includes('@') ? query.recipient.toLowerCase() : query.recipient;
      where.recipientIndex = { hasSome: Object.values(CHANNEL_ADDRESS).map((field) => `${field}:${value}`) };
    }
    if (query.from || query.to) where.createdAt = { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lt: new Date(query.to) } : {}) };
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      where.OR = [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }];
    }
    const rows = await this.deps.db.message.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toMessageView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** Cancels a message that no provider has seen yet; 409 once it has been handed off or closed. */
  async cancel(id: string, reason?: string): Promise<MessageView> {
    const message = await this.deps.db.message.findUnique({ where: { id } });
    if (!message) throw notFound('MESSAGE_NOT_FOUND', `message ${id} does not exist`, { field: 'id' });
    if (message.status !== 'PENDING') {
      throw conflict('TOO_LATE', `message is ${message.status}; only a message not yet handed to a provider can be cancelled`, { status: message.status });
    }
    const handle = this.deps.temporal.workflow.getHandle(message.workflowId);
    try {
      await handle.executeUpdate(cancelUpdate, { args: [{ reason }] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError) {
        const now = await this.deps.db.message.findUniqueOrThrow({ where: { id } });
        throw conflict('TOO_LATE', `message is ${now.status}; it was handed to a provider before the cancel arrived`, { status: now.status });
      }
      throw error instanceof AppError ? error : unavailable('TEMPORAL_UNAVAILABLE', 'could not reach the scheduler to cancel', { messageId: id });
    }
    // The workflow closes the send log right after the update; wait (briefly) so the answer is final.
    await Promise.race([handle.result().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    const closed = await this.deps.db.message.findUniqueOrThrow({ where: { id } });
    return toMessageView(closed);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string') throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw unprocessable('INVALID_CURSOR', 'cursor is not one this API returned', { field: 'cursor' });
  }
}

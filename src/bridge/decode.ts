import type { IHeaders } from 'kafkajs';
import { BatchRequestSchema, IdempotencyKeySchema, SendRequestSchema, issuesOf, type SendRequest } from '../messages/schema';

export interface RecordIdentity {
  topic: string;
  partition: number;
  offset: string;
}

export interface DecodedRequest {
  request: SendRequest;
  idempotencyKey: string;
}

export type Decoded = { kind: 'requests'; requests: DecodedRequest[] } | { kind: 'dead'; code: string; message: string };

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const value = Array.isArray(entry) ? entry[0] : entry;
  return value === undefined ? undefined : value.toString();
}

/**
 * A request record's value is the JSON of POST /v1/messages, or {"messages":[...]} like the batch
 * endpoint: the same zod schema as the API. Its idempotency key is the Idempotency-Key header, else
 * the record key, else the body's idempotencyKey, else the record's own coordinates, so that a record
 * redelivered after a crash or rebalance never becomes a second message.
 */
export function decodeRequestRecord(
  record: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
  identity: RecordIdentity,
  maxBytes: number,
): Decoded {
  const size = (record.value?.length ?? 0) + (record.key?.length ?? 0);
  if (size > maxBytes) return { kind: 'dead', code: 'RECORD_TOO_LARGE', message: `record is ${size} bytes; the limit is ${maxBytes}` };
  if (!record.value || record.value.length === 0) return { kind: 'dead', code: 'EMPTY_RECORD', message: 'record has no value' };

  let body: unknown;
  try {
    body = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    return { kind: 'dead', code: 'INVALID_JSON', message: `value is not JSON: ${(error as Error).message}` };
  }

  const explicitKey = headerText(record.headers, 'Idempotency-Key') ?? (record.key?.length ? record.key.toString('utf8') : undefined);
  if (explicitKey !== undefined) {
    const checked = IdempotencyKeySchema.safeParse(explicitKey);
    if (!checked.success) return { kind: 'dead', code: 'INVALID_IDEMPOTENCY_KEY', message: `Idempotency-Key / record key: ${checked.error.issues[0]?.message}` };
  }
  const fallbackKey = `kafka:${identity.topic}:${identity.partition}:${identity.offset}`;

  const isBatch = typeof body === 'object' && body !== null && 'messages' in body;
  const items = isBatch ? BatchRequestSchema.safeParse(body) : undefined;
  if (items && !items.success) return invalid(issuesOf(items.error));
  const raw = items?.success ? items.data.messages : [body];

  const requests: DecodedRequest[] = [];
  const problems: { field: string; message: string }[] = [];
  raw.forEach((item, index) => {
    const parsed = SendRequestSchema.safeParse(item);
    if (!parsed.success) {
      problems.push(...issuesOf(parsed.error).map((issue) => ({ ...issue, field: isBatch ? `messages.${index}.${issue.field}` : issue.field })));
      return;
    }
    const base = explicitKey ?? parsed.data.idempotencyKey ?? fallbackKey;
    const key = isBatch ? (parsed.data.idempotencyKey ?? `${explicitKey ?? fallbackKey}#${index}`) : base;
    requests.push({ request: parsed.data, idempotencyKey: key });
  });
  if (problems.length > 0) return invalid(problems);
  return { kind: 'requests', requests };
}

function invalid(problems: { field: string; message: string }[]): Decoded {
  return { kind: 'dead', code: 'INVALID_REQUEST', message: problems.map((p) => `${p.field}: ${p.message}`).join('; ').slice(0, 1000) };
}

import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../temporal/names';

const port = z.coerce.number().int().min(1).max(65535);
const ms = z.coerce.number().int().positive();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_BODY_LIMIT: z.string().default('256kb'),
  API_BATCH_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).default('temporal-sender'),
  KAFKA_REQUESTS_TOPIC: z.string().min(1).default('sender.requests'),
  KAFKA_DLQ_TOPIC: z.string().min(1).default('sender.requests.dlq'),
  KAFKA_STATUS_TOPIC: z.string().min(1).default('sender.status'),
  KAFKA_GROUP_ID: z.string().min(1).default('temporal-sender-bridge'),
  /** Larger request records go to the dead-letter topic (the API's body limit, in bytes). */
  KAFKA_MAX_RECORD_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  KAFKA_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  STATUS_PUBLISH_INTERVAL_MS: ms.default(200),
  /** Worker and bridge serve /health/live, /health/ready and /metrics here; unset = no HTTP server. */
  HEALTH_PORT: port.optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(200),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(1).default(100),
  SHUTDOWN_GRACE_MS: ms.default(15_000),
});

export type Env = z.infer<typeof EnvSchema>;

/** Parses the environment once; a bad value stops the process with the variable's name. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

import { z } from 'zod';
import { CHANNEL_TYPES, MESSAGE_STATUSES } from './channels';

/**
 * The send request, shared by the REST API and the Kafka bridge: one copy of the rules.
 */
export const RecipientSchema = z
  .object({
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +8613800000000')
      .optional(),
    email: z.string().email('must be an e-mail address').max(254).optional(),
    pushToken: z.string().min(1).max(4096).optional(),
    userId: z.string().min(1).max(256).optional(),
  })
  .strict()
  .refine((to) => Object.values(to).some(Boolean), { message: 'needs at least one of phone, email, pushToken, userId' });

export const VariablesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'variable names are letters, digits, _ and .'), z.union([z.string().max(10_000), z.number(), z.boolean()]))
  .default({});

export const IdempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const SendRequestSchema = z
  .object({
    scene: z.string().min(1).max(100),
    to: RecipientSchema,
    variables: VariablesSchema,
    /** Deliver no earlier than this; until then the message can be cancelled. */
    sendAt: z.iso.datetime({ offset: true }).optional(),
    idempotencyKey: IdempotencyKeySchema.optional(),
  })
  .strict();

export type SendRequest = z.infer<typeof SendRequestSchema>;

export const BatchRequestSchema = z
  .object({
    messages: z.array(z.unknown()).min(1, 'needs at least one message'),
  })
  .strict();

export const ListQuerySchema = z
  .object({
    scene: z.string().min(1).optional(),
    status: z.enum(MESSAGE_STATUSES).optional(),
    channel: z.enum(CHANNEL_TYPES).optional(),
    recipient: z.string().min(1).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).optional(),
  })
  .strict();

export type ListQuery = z.infer<typeof ListQuerySchema>;

/** zod issues as the error body's details: the field path and what is wrong with it. */
export function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
}

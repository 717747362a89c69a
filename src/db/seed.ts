import type { Db } from './client';
import { type Prisma } from './client';
import type { ChannelType } from '../messages/channels';

export interface SeedOptions {
  /** Base URL of the provider the gateways call: the sandbox provider in dev and tests. */
  providerUrl: string;
  /** Scene retry settings (scene.settings.retry); dev keeps the production defaults. */
  retry?: { maxAttemptsPerGateway?: number; initialIntervalMs?: number; maxIntervalMs?: number; backoffCoefficient?: number };
  /** Replace all configuration instead of upserting (tests start every case from the same state). */
  replace?: boolean;
}

interface SceneSeed {
  code: string;
  name: string;
  channelOrder: ChannelType[];
  templates: { channel: ChannelType; subject?: string; body: string }[];
}

export const SEED_SCENES: SceneSeed[] = [
  {
    code: 'login-otp',
    name: 'Login one-time code',
    channelOrder: ['SMS'],
    templates: [{ channel: 'SMS', body: 'Your login code is {{code}}. It expires in 5 minutes.' }],
  },
  {
    code: 'welcome-email',
    name: 'Welcome e-mail',
    channelOrder: ['EMAIL'],
    templates: [{ channel: 'EMAIL', subject: 'Welcome, {{name}}!', body: 'Hello {{name}}, your account is ready.' }],
  },
  {
    code: 'order-shipped',
    name: 'Order shipped (push, SMS fallback)',
    channelOrder: ['PUSH', 'SMS'],
    templates: [
      { channel: 'PUSH', subject: 'Order shipped', body: 'Order {{orderId}} is on its way.' },
      { channel: 'SMS', body: 'Your order {{orderId}} has shipped.' },
    ],
  },
  {
    code: 'ops-alert',
    name: 'Operations alert to the on-call IM channel',
    channelOrder: ['WEBHOOK'],
    templates: [{ channel: 'WEBHOOK', subject: '[{{severity}}] {{title}}', body: '{{detail}}' }],
  },
];

export function seedGateways(providerUrl: string) {
  return [
    { code: 'sms-primary', channelType: 'SMS' as const, providerKind: 'sms-vendor', endpoint: `${providerUrl}/primary/sms/send`, credentials: { account: 'sandbox', password: 'sandbox-secret' }, priority: 0, weight: 100 },
    { code: 'sms-backup', channelType: 'SMS' as const, providerKind: 'sms-vendor', endpoint: `${providerUrl}/backup/sms/send`, credentials: { account: 'sandbox-b', password: 'sandbox-secret-b' }, priority: 1, weight: 100 },
    { code: 'email-primary', channelType: 'EMAIL' as const, providerKind: 'email-api', endpoint: `${providerUrl}/email/v3/mail/send`, credentials: { apiKey: 'sandbox-key', from: 'no-reply@example.test' }, priority: 0, weight: 100 },
    { code: 'push-primary', channelType: 'PUSH' as const, providerKind: 'webhook', endpoint: `${providerUrl}/webhook`, credentials: { token: 'sandbox-push-token' }, priority: 0, weight: 100 },
    { code: 'im-bot', channelType: 'WEBHOOK' as const, providerKind: 'webhook', endpoint: `${providerUrl}/webhook`, credentials: { token: 'sandbox-im-token' }, priority: 0, weight: 100 },
  ];
}

/** Channels, gateways and scenes pointing at one provider URL. Idempotent. */
export async function seedConfiguration(db: Db, options: SeedOptions): Promise<void> {
  const settings = (options.retry ? { retry: options.retry } : {}) as Prisma.InputJsonValue;
  await db.$transaction(async (tx) => {
    if (options.replace) {
      await tx.sceneTemplate.deleteMany();
      await tx.scene.deleteMany();
      await tx.gateway.deleteMany();
      await tx.channel.deleteMany();
    }
    for (const type of ['SMS', 'EMAIL', 'PUSH', 'WEBHOOK'] as const) {
      await tx.channel.upsert({ where: { type }, create: { type }, update: {} });
    }
    for (const gateway of seedGateways(options.providerUrl)) {
      await tx.gateway.upsert({ where: { code: gateway.code }, create: gateway, update: { endpoint: gateway.endpoint } });
    }
    for (const scene of SEED_SCENES) {
      await tx.scene.upsert({
        where: { code: scene.code },
        create: { code: scene.code, name: scene.name, channelOrder: scene.channelOrder, settings },
        update: { settings },
      });
      for (const template of scene.templates) {
        await tx.sceneTemplate.upsert({
          where: { sceneCode_channel: { sceneCode: scene.code, channel: template.channel } },
          create: { sceneCode: scene.code, ...template },
          update: {},
        });
      }
    }
  });
}

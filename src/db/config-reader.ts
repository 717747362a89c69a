import type { Db } from './client';
import type { ChannelType } from '../messages/channels';
import type { GatewayStrategy } from '../routing/gateway-selection';

export interface SceneConfig {
  code: string;
  name: string;
  enabled: boolean;
  channelOrder: ChannelType[];
  settings: Record<string, unknown>;
  templates: { channel: ChannelType; subject: string | null; body: string }[];
}

export interface GatewayRow {
  code: string;
  channelType: ChannelType;
  providerKind: string;
  endpoint: string;
  credentials: Record<string, unknown>;
  weight: number;
  priority: number;
  timeoutMs: number;
  enabled: boolean;
}

export interface ChannelConfig {
  type: ChannelType;
  enabled: boolean;
  strategy: GatewayStrategy;
  gateways: GatewayRow[];
}

/**
 * 查询配置: scene, channel and gateway configuration, read through a short cache so a burst of sends
 * does not read the same rows thousands of times. A change is seen within `ttlMs`.
 */
export class ConfigReader {
  private scenes = new Map<string, { at: number; value: Promise<SceneConfig | null> }>();
  private channels?: { at: number; value: Promise<ChannelConfig[]> };

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2000,
  ) {}

  scene(code: string): Promise<SceneConfig | null> {
    const cached = this.scenes.get(code);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.value;
    const value = this.db.scene
      .findUnique({ where: { code }, include: { templates: true } })
      .then((row) => (row ? { ...row, settings: (row.settings ?? {}) as Record<string, unknown> } : null));
    value.catch(() => this.scenes.delete(code));
    this.scenes.set(code, { at: Date.now(), value });
    return value;
  }

  allChannels(): Promise<ChannelConfig[]> {
    if (this.channels && Date.now() - this.channels.at < this.ttlMs) return this.channels.value;
    const value = this.db.channel
      .findMany({ include: { gateways: { orderBy: { code: 'asc' } } } })
      .then((rows) =>
        rows.map((row) => ({
          type: row.type,
          enabled: row.enabled,
          strategy: row.strategy,
          gateways: row.gateways.map((g) => ({ ...g, credentials: (g.credentials ?? {}) as Record<string, unknown> })),
        })),
      );
    value.catch(() => (this.channels = undefined));
    this.channels = { at: Date.now(), value };
    return value;
  }

  async gateway(code: string): Promise<GatewayRow | undefined> {
    for (const channel of await this.allChannels()) {
      const found = channel.gateways.find((g) => g.code === code);
      if (found) return found;
    }
    return undefined;
  }
}

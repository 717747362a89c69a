import type { ChannelType } from '../messages/channels';

export interface ChannelState {
  type: ChannelType;
  enabled: boolean;
  /** Enabled gateways on this channel. */
  gatewayCount: number;
}

export interface ChannelRouteInput {
  /** The scene's preference, first choice first. */
  channelOrder: readonly ChannelType[];
  /** Channels the recipient has an address for. */
  reachable: readonly ChannelType[];
  /** Channels the scene has a template for. */
  templated: readonly ChannelType[];
  channels: readonly ChannelState[];
}

export type SkipReason = 'NO_ADDRESS' | 'NO_TEMPLATE' | 'CHANNEL_DISABLED' | 'NO_GATEWAY';

export interface ChannelRoute {
  /** Channels to try, in order; the first is the route, the rest are fallbacks. */
  candidates: ChannelType[];
  skipped: { channel: ChannelType; reason: SkipReason }[];
}

/** 路由到具体渠道: the scene's order, filtered by what the recipient, the templates and the config allow. */
export function routeChannels(input: ChannelRouteInput): ChannelRoute {
  const candidates: ChannelType[] = [];
  const skipped: ChannelRoute['skipped'] = [];
  const seen = new Set<ChannelType>();
  for (const channel of input.channelOrder) {
    if (seen.has(channel)) continue;
    seen.add(channel);
    const state = input.channels.find((c) => c.type === channel);
    let reason: SkipReason | undefined;
    if (!input.reachable.includes(channel)) reason = 'NO_ADDRESS';
    else if (!input.templated.includes(channel)) reason = 'NO_TEMPLATE';
    else if (!state || !state.enabled) reason = 'CHANNEL_DISABLED';
    else if (state.gatewayCount === 0) reason = 'NO_GATEWAY';
    if (reason) skipped.push({ channel, reason });
    else candidates.push(channel);
  }
  return { candidates, skipped };
}

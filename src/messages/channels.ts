/**
 * Channels and the recipient address each one needs. Kept free of Node and Prisma imports: the
 * workflow bundle uses it too.
 */
export const CHANNEL_TYPES = ['SMS', 'EMAIL', 'PUSH', 'WEBHOOK'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const MESSAGE_STATUSES = ['PENDING', 'SENDING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const TERMINAL_STATUSES: readonly MessageStatus[] = ['SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED'];

export type AddressField = 'phone' | 'email' | 'pushToken' | 'userId';

/** Which field of `to` a channel delivers to. */
export const CHANNEL_ADDRESS: Record<ChannelType, AddressField> = {
  SMS: 'phone',
  EMAIL: 'email',
  PUSH: 'pushToken',
  WEBHOOK: 'userId',
};

export type Recipient = Partial<Record<AddressField, string>>;

/** Channels the recipient has an address for, in CHANNEL_TYPES order. */
export function reachableChannels(to: Recipient): ChannelType[] {
  return CHANNEL_TYPES.filter((channel) => Boolean(to[CHANNEL_ADDRESS[channel]]));
}

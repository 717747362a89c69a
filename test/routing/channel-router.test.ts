import { expect } from 'chai';
import { routeChannels } from '../../src/routing/channel-router';

describe('ChannelRouter', () => {
  const channels = [
    { type: 'SMS' as const, enabled: true, gatewayCount: 2 },
    { type: 'EMAIL' as const, enabled: true, gatewayCount: 1 },
    { type: 'PUSH' as const, enabled: false, gatewayCount: 1 },
    { type: 'WEBHOOK' as const, enabled: true, gatewayCount: 0 },
  ];

  it('keeps the scene order among channels the recipient, templates and config allow', () => {
    const route = routeChannels({ channelOrder: ['EMAIL', 'SMS'], reachable: ['SMS', 'EMAIL'], templated: ['SMS', 'EMAIL'], channels });
    expect(route.candidates).to.deep.equal(['EMAIL', 'SMS']);
    expect(route.skipped).to.deep.equal([]);
  });

  it('says why each channel was skipped', () => {
    const route = routeChannels({
      channelOrder: ['PUSH', 'WEBHOOK', 'EMAIL', 'SMS'],
      reachable: ['PUSH', 'WEBHOOK', 'SMS'],
      templated: ['PUSH', 'WEBHOOK', 'EMAIL'],
      channels,
    });
    expect(route.candidates).to.deep.equal([]);
    expect(route.skipped).to.deep.equal([
      { channel: 'PUSH', reason: 'CHANNEL_DISABLED' },
      { channel: 'WEBHOOK', reason: 'NO_GATEWAY' },
      { channel: 'EMAIL', reason: 'NO_ADDRESS' },
      { channel: 'SMS', reason: 'NO_TEMPLATE' },
    ]);
  });

  it('ignores a channel listed twice', () => {
    expect(routeChannels({ channelOrder: ['SMS', 'SMS'], reachable: ['SMS'], templated: ['SMS'], channels }).candidates).to.deep.equal(['SMS']);
  });
});

import { expect } from 'chai';
import { orderGateways, type GatewayOption } from '../../src/routing/gateway-selection';

/** A small seeded generator so the statistics are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('gateway selection', () => {
  const gateways: GatewayOption[] = [
    { code: 'a', priority: 0, weight: 70 },
    { code: 'b', priority: 0, weight: 20 },
    { code: 'c', priority: 0, weight: 10 },
    { code: 'backup', priority: 1, weight: 100 },
  ];

  it('honours weights within 2 percentage points over 10,000 picks', () => {
    const random = mulberry32(42);
    const firsts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const first = orderGateways(gateways, 'PRIORITY_WEIGHTED', random)[0]!.code;
      firsts[first] = (firsts[first] ?? 0) + 1;
    }
    expect(firsts.backup ?? 0).to.equal(0);
    expect(firsts.a! / 10_000).to.be.closeTo(0.7, 0.02);
    expect(firsts.b! / 10_000).to.be.closeTo(0.2, 0.02);
    expect(firsts.c! / 10_000).to.be.closeTo(0.1, 0.02);
  });

  it('puts a lower priority group after every gateway of a higher one', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 500; i++) {
      const order = orderGateways(gateways, 'PRIORITY_WEIGHTED', random).map((g) => g.code);
      expect(order).to.have.length(4);
      expect(order[3]).to.equal('backup');
      expect(new Set(order).size).to.equal(4);
    }
  });

  it('WEIGHTED ignores priority and spreads by weight across all gateways', () => {
    const random = mulberry32(3);
    let backupFirst = 0;
    for (let i = 0; i < 10_000; i++) if (orderGateways(gateways, 'WEIGHTED', random)[0]!.code === 'backup') backupFirst++;
    expect(backupFirst / 10_000).to.be.closeTo(100 / 200, 0.02);
  });

  it('is deterministic for the same random sequence, whatever the input order (replay safety)', () => {
    const one = orderGateways(gateways, 'PRIORITY_WEIGHTED', mulberry32(99)).map((g) => g.code);
    const two = orderGateways([...gateways].reverse(), 'PRIORITY_WEIGHTED', mulberry32(99)).map((g) => g.code);
    expect(one).to.deep.equal(two);
  });

  it('weight 0 is a standby: only picked after the weighted ones', () => {
    const random = mulberry32(5);
    const withStandby = [
      { code: 'live', priority: 0, weight: 1 },
      { code: 'standby', priority: 0, weight: 0 },
    ];
    for (let i = 0; i < 200; i++) expect(orderGateways(withStandby, 'PRIORITY_WEIGHTED', random).map((g) => g.code)).to.deep.equal(['live', 'standby']);
  });
});

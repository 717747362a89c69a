export type GatewayStrategy = 'PRIORITY_WEIGHTED' | 'WEIGHTED';

export interface GatewayOption {
  code: string;
  priority: number;
  weight: number;
}

/**
 * Picks one item with probability proportional to its weight. Items of weight 0 are only picked
 * when every item has weight 0 (then the first one).
 */
function pickWeighted<T extends GatewayOption>(items: T[], random: () => number): number {
  const total = items.reduce((sum, item) => sum + Math.max(0, item.weight), 0);
  if (total <= 0) return 0;
  let point = random() * total;
  for (let i = 0; i < items.length; i++) {
    point -= Math.max(0, items[i]!.weight);
    if (point < 0) return i;
  }
  return items.length - 1;
}

function weightedOrder<T extends GatewayOption>(items: T[], random: () => number): T[] {
  const rest = [...items].sort((a, b) => a.code.localeCompare(b.code));
  const ordered: T[] = [];
  while (rest.length > 0) ordered.push(rest.splice(pickWeighted(rest, random), 1)[0]!);
  return ordered;
}

/**
 * 路由指定网关: the order in which a channel's gateways are tried. The first is the pick, the rest
 * the failover sequence. Deterministic for a given `random`, which in a workflow is Temporal's
 * seeded Math.random, so a replay reaches the same order.
 */
export function orderGateways<T extends GatewayOption>(gateways: readonly T[], strategy: GatewayStrategy, random: () => number): T[] {
  if (strategy === 'WEIGHTED') return weightedOrder([...gateways], random);
  const byPriority = new Map<number, T[]>();
  for (const gateway of gateways) {
    const group = byPriority.get(gateway.priority) ?? [];
    group.push(gateway);
    byPriority.set(gateway.priority, group);
  }
  return [...byPriority.keys()]
    .sort((a, b) => a - b)
    .flatMap((priority) => weightedOrder(byPriority.get(priority)!, random));
}

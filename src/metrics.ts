import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  submitted: Counter<'source' | 'outcome'>;
  providerCalls: Counter<'gateway' | 'outcome'>;
  providerLatency: Histogram<'gateway'>;
}

export function createMetrics(process: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    submitted: new Counter({ name: 'sender_messages_submitted_total', help: 'Send requests by entry point and outcome', labelNames: ['source', 'outcome'], registers: [registry] }),
    providerCalls: new Counter({ name: 'sender_provider_calls_total', help: 'Provider calls by gateway and outcome', labelNames: ['gateway', 'outcome'], registers: [registry] }),
    providerLatency: new Histogram({
      name: 'sender_provider_latency_seconds',
      help: 'Provider call latency',
      labelNames: ['gateway'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
  };
}

import type { Provider } from './provider';
import { emailApiProvider } from './email-api.provider';
import { smsVendorProvider } from './sms-vendor.provider';
import { webhookProvider } from './webhook.provider';

export class ProviderRegistry {
  private readonly byKind = new Map<string, Provider>();

  constructor(providers: Provider[]) {
    for (const provider of providers) this.byKind.set(provider.kind, provider);
  }

  get(kind: string): Provider | undefined {
    return this.byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.byKind.keys()];
  }
}

export const builtInProviders: Provider[] = [webhookProvider, smsVendorProvider, emailApiProvider];

export function createProviderRegistry(extra: Provider[] = []): ProviderRegistry {
  return new ProviderRegistry([...builtInProviders, ...extra]);
}

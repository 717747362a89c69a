/** The sandbox provider as a process: `tsx src/sandbox/main.ts` (SANDBOX_PORT, default 4010). */
import { onShutdown, runMain } from '../lifecycle';
import { createLogger } from '../logger';
import { startSandboxProvider } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT ?? 4010);
  const sandbox = await startSandboxProvider({ port, host: process.env.SANDBOX_HOST ?? '127.0.0.1' });
  console.log(`sandbox provider listening on ${sandbox.url} (GET ${sandbox.url}/_sandbox/requests to see what it received)`);
  onShutdown(createLogger('sandbox'), () => sandbox.close());
}

runMain(main);

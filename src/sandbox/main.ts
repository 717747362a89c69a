/** The sandbox provider as a process: `tsx src/sandbox/main.ts` (SANDBOX_PORT, default 4010). */
import { startSandboxProvider } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT ?? 4010);
  const sandbox = await startSandboxProvider({ port, host: process.env.SANDBOX_HOST ?? '127.0.0.1' });
  console.log(`sandbox provider listening on ${sandbox.url} (GET ${sandbox.url}/_sandbox/requests to see what it received)`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

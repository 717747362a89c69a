/** Seeds the dev configuration: `tsx prisma/seed.ts` with DATABASE_URL and SANDBOX_URL set. */
import { createDb } from '../src/db/client';
import { seedConfiguration } from '../src/db/seed';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const db = createDb(url, 2);
  try {
    await seedConfiguration(db, { providerUrl: process.env.SANDBOX_URL ?? 'http://127.0.0.1:4010' });
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

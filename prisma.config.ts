import { PrismaPg } from '@prisma/adapter-pg';
import type { PrismaConfig } from 'prisma';

// Prisma 6.19 with the JS engine: migrate and generate run offline through the bundled WebAssembly
// schema engine and talk to Postgres through adapter-pg (see docs/decisions.md).
export default {
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
} satisfies PrismaConfig;

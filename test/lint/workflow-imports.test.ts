import { expect } from 'chai';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..');

async function lintAsWorkflow(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, 'workflows', 'probe.ts') });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint rules for workflow code', () => {
  it('refuses Node built-ins, axios, Prisma, Kafka clients and activity values in workflows/', async () => {
    const messages = await lintAsWorkflow(
      [
        "import fs from 'node:fs';",
        "import axios from 'axios';",
        "import { PrismaClient } from '@prisma/client';",
        "import { Kafka } from 'kafkajs';",
        "import { createActivities } from '../activities';",
        'export const all = [fs, axios, PrismaClient, Kafka, createActivities];',
      ].join('\n'),
    );
    const restricted = messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports'));
    expect(restricted).to.have.length(5);
  });

  it('refuses Date.now, Math.random and setTimeout in workflows/', async () => {
    const messages = await lintAsWorkflow('export const t = [Date.now(), Math.random(), setTimeout(() => 0, 1)];');
    expect(messages.filter((m) => m.startsWith('no-restricted-syntax'))).to.have.length(3);
  });

  it('allows activity types and @temporalio/workflow', async () => {
    const messages = await lintAsWorkflow(
      "import { proxyActivities } from '@temporalio/workflow';\nimport type { SendActivities } from '../activities';\nexport const a = proxyActivities<SendActivities>({ startToCloseTimeout: '1s' });",
    );
    expect(messages).to.deep.equal([]);
  });
});

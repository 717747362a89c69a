/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked offline: against the
 * Compose Specification's JSON schema (the copy the `dclint` package ships), and against the rules
 * the schema cannot express: pinned images, health checks, start order, and agreement with the app's
 * own configuration, search attributes and topics.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadEnv } from '../../src/config/env';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/temporal/names';

const COMPOSE_FILE = path.join(__dirname, '..', '..', 'docker-compose.yml');

type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: Condition }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: (string | { type?: string; source?: string })[];
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Services that run once and exit; everything else runs until stopped and must report its health. */
const ONE_SHOT = ['temporal-schema', 'temporal-init', 'kafka-init', 'migrate'];
const APP_SERVICES = ['api', 'worker', 'bridge'];

const completed = 'service_completed_successfully';
const healthy = 'service_healthy';
const APP_DEPENDENCIES: Record<string, Record<string, Condition>> = {
  api: { migrate: completed, temporal: healthy, 'temporal-init': completed },
  worker: { migrate: completed, temporal: healthy, 'temporal-init': completed },
  bridge: { migrate: completed, temporal: healthy, 'temporal-init': completed, kafka: healthy, 'kafka-init': completed },
};

function readCompose(): ComposeFile {
  // Merge keys (<<: *anchor) are YAML 1.1; Compose resolves them, so the parser must too.
  return parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

function loadComposeSchema(): Record<string, unknown> {
  // dclint's package exports do not list the schema file, so find it beside its package.json.
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('dclint/package.json'));
  } catch {
    throw new Error('the Compose schema comes from the dclint devDependency, which is not installed: run npm ci');
  }
  const schema = JSON.parse(fs.readFileSync(path.join(packageDir, 'schemas', 'compose.schema.json'), 'utf8'));
  // The file names the draft-07 meta-schema by an https URL Ajv does not register; draft-07 is Ajv's
  // default, so validate it as such.
  delete schema.$schema;
  return schema;
}

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const validateSchema = ajv.compile(loadComposeSchema());

function schemaErrors(document: unknown): string[] {
  if (validateSchema(document)) return [];
  return (validateSchema.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/** Compose's interpolation, as far as this file uses it: ${VAR:-default} and $$. */
function interpolate(value: string, env: NodeJS.ProcessEnv = {}): string {
  return value
    .replace(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => env[name] || fallback || '')
    .replace(/\$\$/g, '$');
}

function environmentOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw)
    ? raw.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const)
    : Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)] as const);
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(value)]));
}

function commandText(service: Service): string {
  const command = service.command ?? '';
  return interpolate(Array.isArray(command) ? command.join(' ') : command);
}

function dependencies(service: Service): Record<string, Condition> {
  const raw = service.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, 'service_started' as const]));
  return Object.fromEntries(Object.entries(raw).map(([name, dep]) => [name, dep.condition]));
}

function imageProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const image = service.image;
    if (!image) {
      problems.push(`${name}: no image name (a built service needs one so its tag is pinned too)`);
      continue;
    }
    const lastSegment = image.split('/').pop() ?? '';
    const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
    if (!tag) problems.push(`${name}: image ${image} has no tag`);
    else if (tag === 'latest' || !/^v?\d+(\.\d+)+/.test(tag)) problems.push(`${name}: image ${image} is not pinned to a version`);
  }
  return problems;
}

function healthcheckProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const oneShot = ONE_SHOT.includes(name);
    if (oneShot && service.restart !== 'no') problems.push(`${name}: a one-shot service must not restart`);
    if (!oneShot && service.restart === 'no') problems.push(`${name}: runs once but is not listed as one-shot`);
    const test = service.healthcheck?.test;
    const checks = Array.isArray(test) ? test.length > 1 && test[0] !== 'NONE' : Boolean(test);
    if (!oneShot && (!checks || service.healthcheck?.disable)) problems.push(`${name}: long-running service without a healthcheck`);
  }
  return problems;
}

function dependencyProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [target, condition] of Object.entries(dependencies(service))) {
      const dependency = compose.services[target];
      if (!dependency) problems.push(`${name}: depends on unknown service ${target}`);
      else if (condition === 'service_started') problems.push(`${name}: waits only for ${target} to start`);
      else if (condition === healthy && !dependency.healthcheck) problems.push(`${name}: waits for ${target} to be healthy, but it has no healthcheck`);
      else if (condition === completed && !ONE_SHOT.includes(target)) problems.push(`${name}: waits for long-running ${target} to exit`);
    }
  }
  for (const [name, expected] of Object.entries(APP_DEPENDENCIES)) {
    const actual = compose.services[name] ? dependencies(compose.services[name]) : {};
    for (const [target, condition] of Object.entries(expected)) {
      if (actual[target] !== condition) problems.push(`${name}: must depend on ${target} with ${condition}, has ${actual[target] ?? 'nothing'}`);
    }
  }
  return problems;
}

function volumeProblems(compose: ComposeFile): string[] {
  const declared = Object.keys(compose.volumes ?? {});
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] ?? '' : volume.source ?? '';
      const named = source !== '' && !source.startsWith('.') && !source.startsWith('/');
      if (named && !declared.includes(source)) problems.push(`${name}: volume ${source} is not declared`);
    }
  }
  for (const stateful of ['postgres', 'kafka']) {
    const mounts = compose.services[stateful]?.volumes ?? [];
    if (!mounts.some((volume) => typeof volume === 'string' && declared.includes(volume.split(':')[0] ?? ''))) {
      problems.push(`${stateful}: keeps its data in no named volume`);
    }
  }
  return problems;
}

const ALL_CHECKS = { imageProblems, healthcheckProblems, dependencyProblems, volumeProblems };

describe('docker-compose.yml', () => {
  let compose: ComposeFile;

  beforeEach(() => {
    compose = readCompose();
  });

  it('is valid against the Compose Specification schema', () => {
    expect(schemaErrors(compose)).to.deep.equal([]);
  });

  it('fails schema validation when broken, so the check above cannot pass vacuously', () => {
    const unknownTopLevelKey = { ...structuredClone(compose), servics: {} };
    expect(schemaErrors(unknownTopLevelKey).join('\n')).to.match(/additional properties/);

    const unknownCondition = structuredClone(compose);
    (unknownCondition.services.api!.depends_on as Record<string, { condition: string }>).migrate!.condition = 'service_ready';
    expect(schemaErrors(unknownCondition).join('\n')).to.match(/must be equal to one of the allowed values/);

    const misspelledHealthcheckKey = structuredClone(compose);
    (misspelledHealthcheckKey.services.postgres!.healthcheck as Record<string, unknown>).intervall = '5s';
    expect(schemaErrors(misspelledHealthcheckKey).join('\n')).to.match(/healthcheck must NOT have additional properties .*intervall/);
  });

  it('pins every image to a version tag', () => {
    expect(imageProblems(compose)).to.deep.equal([]);
  });

  it("builds the app's image from a pinned base image", () => {
    const dockerfile = fs.readFileSync(path.join(path.dirname(COMPOSE_FILE), 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]!);
    expect(bases).to.not.deep.equal([]);
    for (const base of bases) expect(imageProblems({ services: { base: { image: base } } }), base).to.deep.equal([]);
  });

  it('gives every long-running service a healthcheck; one-shot services do not restart', () => {
    expect(healthcheckProblems(compose)).to.deep.equal([]);
  });

  it('starts each service only once what it depends on is healthy or has completed', () => {
    expect(dependencyProblems(compose)).to.deep.equal([]);
  });

  it('keeps PostgreSQL and Kafka data in declared named volumes', () => {
    expect(volumeProblems(compose)).to.deep.equal([]);
  });

  it('catches what the schema cannot: a latest tag, a missing healthcheck, a start-only dependency', () => {
    const broken = structuredClone(compose);
    broken.services.postgres!.image = 'postgres:latest';
    broken.services['temporal-ui']!.image = 'temporalio/ui';
    delete broken.services.kafka!.healthcheck;
    (broken.services.worker!.depends_on as Record<string, { condition: Condition }>).temporal!.condition = 'service_started';
    broken.services.postgres!.volumes = ['/var/lib/postgresql/data'];

    expect(schemaErrors(broken), 'still valid Compose').to.deep.equal([]);
    expect(imageProblems(broken)).to.have.members(['postgres: image postgres:latest is not pinned to a version', 'temporal-ui: image temporalio/ui has no tag']);
    expect(healthcheckProblems(broken)).to.deep.equal(['kafka: long-running service without a healthcheck']);
    expect(dependencyProblems(broken)).to.include.members([
      'worker: waits only for temporal to start',
      'worker: must depend on temporal with service_healthy, has service_started',
      'bridge: waits for kafka to be healthy, but it has no healthcheck',
    ]);
    expect(volumeProblems(broken)).to.deep.equal(['postgres: keeps its data in no named volume']);
    for (const [name, check] of Object.entries(ALL_CHECKS)) expect(check(compose), name).to.deep.equal([]);
  });

  it("gives api, worker and bridge an environment the app's configuration accepts", () => {
    for (const name of APP_SERVICES) {
      const env = environmentOf(compose.services[name]!);
      expect(env, name).to.include({
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: 'send-message',
        KAFKA_BROKERS: 'kafka:19092',
        KAFKA_REQUESTS_TOPIC: 'sender.requests',
        KAFKA_DLQ_TOPIC: 'sender.requests.dlq',
        KAFKA_STATUS_TOPIC: 'sender.status',
        API_HOST: '0.0.0.0',
        API_PORT: '3000',
        LOG_LEVEL: 'info',
      });
      expect(env.DATABASE_URL, name).to.equal('postgresql://sender:sender@postgres:5432/sender');
      expect(() => loadEnv(env), name).to.not.throw();
    }
  });

  it('registers every custom search attribute the workflows set, as Keyword', () => {
    const init = commandText(compose.services['temporal-init']!);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
      expect(init).to.match(new RegExp(`--name ${name} --type ${type}\\b`));
    }
    expect(dependencies(compose.services['temporal-init']!)).to.deep.equal({ temporal: healthy });
  });

  it('creates the Kafka topics the app is configured with', () => {
    const init = commandText(compose.services['kafka-init']!);
    const env = environmentOf(compose.services.bridge!);
    for (const topic of [env.KAFKA_REQUESTS_TOPIC, env.KAFKA_DLQ_TOPIC, env.KAFKA_STATUS_TOPIC]) {
      expect(init).to.match(new RegExp(`--create --if-not-exists --topic ${topic!.replace(/\./g, '\\.')} `));
    }
    expect(init).to.match(/--topic sender\.requests --partitions 6 /);
  });
});

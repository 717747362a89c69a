/**
 * The project's own single-node Apache Kafka broker (KRaft combined mode: broker and controller in one JVM),
 * built from the jars on Maven Central: there is no Kafka on npm or Debian.
 *
 *   npx tsx scripts/infra/kafka.ts ensure                                  # download the jars, print the libs dir
 *   npx tsx scripts/infra/kafka.ts start [--data-dir D] [--port P] [--controller-port C]   # foreground, Ctrl-C stops
 *     (data dir default .local/data/kafka, ports 9092/9093)
 *
 * The jar set is declared in scripts/infra/kafka/pom.xml (kafka_2.13 + kafka-tools + the log4j2 binding for
 * slf4j 1.7, which Kafka's pom leaves out); the Kafka version is read from its <kafka.version> property.
 * Broker output goes to .local/logs/<name>.log (default kafka.log), storage formatting to kafka-format.log.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { LOCAL_DIR, TOOLS_DIR, runToCompletion, spawnService, portOpen, sleep } from './process';

export const KAFKA_POM = path.join(__dirname, 'kafka', 'pom.xml');

/** JVM heap for the broker; KAFKA_HEAP_OPTS overrides it (space-separated JVM flags). RSS is ~330 MB either way. */
const DEFAULT_HEAP_OPTS = ['-Xmx512m'];

export function kafkaVersion(): string {
  const pom = fs.readFileSync(KAFKA_POM, 'utf8');
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error(`${KAFKA_POM} has no <kafka.version> property`);
  return match[1];
}

function javaCommand(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Runs a command and returns its combined output, or undefined when it cannot be started or fails. */
function capture(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      resolve(undefined);
      return;
    }
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => resolve(code === 0 ? output : undefined));
  });
}

let javaChecked: Promise<void> | undefined;

/** Kafka 4 brokers need Java 17 or newer. */
function requireJava(): Promise<void> {
  javaChecked ??= (async () => {
    const java = javaCommand();
    const output = await capture(java, ['-version']);
    if (output === undefined) {
      throw new Error(
        `Kafka needs Java 17+, but '${java} -version' could not run. Install a JDK (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME.`,
      );
    }
    const version = /version "(\d+)(?:\.(\d+))?/.exec(output);
    const major = version ? (version[1] === '1' ? Number(version[2]) : Number(version[1])) : NaN;
    if (!(major >= 17)) throw new Error(`Kafka 4 needs Java 17+, but ${java} is: ${output.split('\n')[0]}`);
  })();
  javaChecked.catch(() => (javaChecked = undefined));
  return javaChecked;
}

async function requireMaven(): Promise<void> {
  if ((await capture('mvn', ['-v'])) === undefined) {
    throw new Error(`Fetching Kafka's jars needs Maven, but 'mvn -v' could not run. Install it (apt-get install maven).`);
  }
}

/**
 * Downloads the broker's jars via Maven into .local/tools/kafka-<version>/libs, idempotent and atomic (a temp dir,
 * then a rename). A stamp with the pom's hash makes the second call a file read, with no mvn; an edited pom
 * (another jar, another version) fetches again. Returns the libs dir.
 */
export async function ensureKafka(): Promise<string> {
  const pom = fs.readFileSync(KAFKA_POM);
  const version = kafkaVersion();
  const stamp = crypto.createHash('sha256').update(pom).digest('hex');
  const home = path.join(TOOLS_DIR, `kafka-${version}`);
  const libs = path.join(home, 'libs');
  const coreJar = `kafka_2.13-${version}.jar`;
  const isComplete = (dir: string) =>
    readText(path.join(dir, '.pom-sha256')) === stamp && fs.existsSync(path.join(dir, 'libs', coreJar));
  if (isComplete(home)) return libs;

  await requireJava();
  await requireMaven();
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  const tmp = `${home}.tmp-${process.pid}-${Date.now()}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await runToCompletion('kafka-install', 'mvn', [
      '-B',
      '-q',
      '-Dstyle.color=never',
      '-f',
      KAFKA_POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${path.join(tmp, 'libs')}`,
    ]);
    if (!fs.existsSync(path.join(tmp, 'libs', coreJar))) {
      throw new Error(`mvn finished but ${coreJar} is not among the copied jars; see .local/logs/kafka-install.log`);
    }
    fs.writeFileSync(path.join(tmp, '.pom-sha256'), stamp);
    // Swap in the new copy; a concurrent caller that won the race leaves a complete copy we can use.
    if (fs.existsSync(home)) {
      if (isComplete(home)) return libs;
      const old = `${home}.old-${process.pid}-${Date.now()}`;
      fs.renameSync(home, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    try {
      fs.renameSync(tmp, home);
    } catch (error) {
      if (!isComplete(home)) throw error;
    }
    return libs;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export interface KafkaBroker {
  brokers: string[];
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Holds config/ (generated each start) and logs/ (the broker's data, kept across restarts). */
  dataDir: string;
  /** Client (PLAINTEXT) port, default 9092. */
  port?: number;
  /** KRaft controller port, default 9093. */
  controllerPort?: number;
  /** Name of the log under .local/logs, default 'kafka'. */
  name?: string;
  /** How long to wait for the broker to answer, default 120 s. */
  timeoutMs?: number;
}

/**
 * A broker for dev and tests. With KAFKA_BROKERS set (comma-separated host:port), returns those and stop() does
 * nothing. Otherwise writes <dataDir>/config, formats <dataDir>/logs once (kept, with its topics and offsets,
 * across restarts), starts `java kafka.Kafka` and waits until kafkaReady(): it lists itself and its group
 * coordinator has loaded.
 */
export async function startKafka(opts: StartKafkaOptions): Promise<KafkaBroker> {
  const external = process.env.KAFKA_BROKERS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (external?.length) return { brokers: external, stop: async () => {} };

  const port = opts.port ?? 9092;
  const controllerPort = opts.controllerPort ?? 9093;
  const host = '127.0.0.1';
  const libs = await ensureKafka();
  await requireJava();
  for (const p of [port, controllerPort]) {
    if (await portOpen(p, host)) {
      throw new Error(`port ${p} is already taken (another Kafka?); stop it, choose other ports, or set KAFKA_BROKERS to use it`);
    }
  }

  const dataDir = path.resolve(opts.dataDir);
  const configDir = path.join(dataDir, 'config');
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(configDir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  const serverProperties = path.join(configDir, 'server.properties');
  fs.writeFileSync(serverProperties, serverConfig({ host, port, controllerPort, logDir }));
  fs.writeFileSync(path.join(configDir, 'log4j2.properties'), log4jConfig(true));
  fs.writeFileSync(path.join(configDir, 'tools-log4j2.properties'), log4jConfig(false));
  const classpath = path.join(libs, '*');
  const java = javaCommand();
  const common = ['-Djava.awt.headless=true'];

  // Format once (kafka-storage format equivalent); an existing meta.properties means the data is kept.
  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    await runToCompletion('kafka-format', java, [
      ...common,
      `-Dlog4j2.configurationFile=${path.join(configDir, 'tools-log4j2.properties')}`,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      randomKafkaUuid(),
      '--config',
      serverProperties,
      '--ignore-formatted',
    ]);
  }

  const heap = process.env.KAFKA_HEAP_OPTS?.split(/\s+/).filter(Boolean) ?? DEFAULT_HEAP_OPTS;
  const service = await spawnService({
    name: opts.name ?? 'kafka',
    command: java,
    args: [
      ...heap,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      ...common,
      `-Dlog4j2.configurationFile=${path.join(configDir, 'log4j2.properties')}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      serverProperties,
    ],
    cwd: dataDir,
    ready: () => kafkaReady(port, host),
    timeoutMs: opts.timeoutMs ?? 120_000,
    stopSignal: 'SIGTERM',
    killAfterMs: 20_000,
  });
  return { brokers: [`${host}:${port}`], stop: () => service.stop() };
}

function serverConfig(o: { host: string; port: number; controllerPort: number; logDir: string }): string {
  return `# Generated by scripts/infra/kafka.ts on each start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${o.host}:${o.controllerPort}
listeners=PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}
advertised.listeners=PLAINTEXT://${o.host}:${o.port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${o.logDir}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
offsets.topic.num.partitions=${OFFSETS_PARTITIONS}
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=10
num.network.threads=2
num.io.threads=4
`;
}

/**
 * Kafka 4 logs through log4j2 (bound to slf4j by log4j-slf4j-impl). At INFO a broker writes ~500 lines per start
 * and run, the config dump included, so the broker keeps WARN but for its lifecycle, topic creation and consumer
 * group membership; the storage tool is WARN only.
 */
function log4jConfig(forBroker: boolean): string {
  const info = forBroker
    ? [
        'kafka.server.KafkaRaftServer',
        'kafka.server.BrokerServer',
        'org.apache.kafka.common.utils.internals.LoggingSignalHandler',
        'org.apache.kafka.controller.ReplicationControlManager',
        'org.apache.kafka.coordinator.group.GroupMetadataManager',
      ]
    : [];
  return `# Generated by scripts/infra/kafka.ts on each start.
status = warn
# Kafka logs its own shutdown from a JVM shutdown hook; log4j's hook would stop logging before it.
shutdownHook = disable
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = OUT
${info.map((name, i) => `logger.l${i}.name = ${name}\nlogger.l${i}.level = INFO\n`).join('')}`;
}

/** A cluster id as Kafka's Uuid.randomUuid() makes it: 16 random bytes, url-safe base64 without padding. */
function randomKafkaUuid(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Partitions of __consumer_offsets (written into server.properties; the readiness probe covers each). */
const OFFSETS_PARTITIONS = 10;

/**
 * True once the broker really serves clients, checked over the wire (no client library):
 * 1. Metadata (v4) lists a live broker and an active controller: KRaft opens the client port before the broker
 *    is unfenced, and a fenced broker lists none;
 * 2. FindCoordinator (v1) for a group succeeds, which creates __consumer_offsets on a new broker (so the first
 *    consumer group does not pay for it);
 * 3. OffsetFetch (v3) answers without COORDINATOR_LOAD_IN_PROGRESS for a group on each __consumer_offsets
 *    partition: after a restart the group coordinator loads them after the broker says it started, and some
 *    clients (kafkajs' admin.fetchOffsets) do not retry that error.
 */
export async function kafkaReady(port: number, host = '127.0.0.1', timeoutMs = 3000): Promise<boolean> {
  const connection = await ProbeConnection.open(port, host, timeoutMs).catch(() => undefined);
  if (!connection) return false;
  try {
    const metadata = await connection.request(3, 4, Buffer.concat([int32(0), Buffer.from([0])])); // no topics
    let p = 4; // throttle_time_ms
    const brokers = metadata.readInt32BE(p);
    p += 4;
    for (let i = 0; i < brokers; i++) {
      p += 4; // node id
      p += 2 + metadata.readInt16BE(p); // host
      p += 4; // port
      p += 2 + Math.max(metadata.readInt16BE(p), 0); // rack
    }
    p += 2 + Math.max(metadata.readInt16BE(p), 0); // cluster id
    if (brokers === 0 || metadata.readInt32BE(p) < 0) return false; // controller id

    const coordinator = await connection.request(10, 1, Buffer.concat([string(probeGroups()[0]!), Buffer.from([0])]));
    if (coordinator.readInt16BE(4) !== 0) return false; // after throttle_time_ms

    for (const group of probeGroups()) {
      const offsets = await connection.request(9, 3, Buffer.concat([string(group), int32(-1)])); // all topics
      // throttle_time_ms, topics (none: the probe groups never commit), error_code
      if (offsets.readInt32BE(4) !== 0 || offsets.readInt16BE(8) !== 0) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    connection.close();
  }
}

let probeGroupNames: string[] | undefined;

/** One group name per __consumer_offsets partition: Kafka places a group at abs(javaHashCode(id)) % partitions. */
function probeGroups(): string[] {
  if (probeGroupNames) return probeGroupNames;
  const found = new Map<number, string>();
  for (let i = 0; found.size < OFFSETS_PARTITIONS; i++) {
    const name = `sender-infra-probe-${i}`;
    let hash = 0;
    for (let c = 0; c < name.length; c++) hash = (Math.imul(31, hash) + name.charCodeAt(c)) | 0;
    const partition = (hash === -2147483648 ? 0 : Math.abs(hash)) % OFFSETS_PARTITIONS;
    if (!found.has(partition)) found.set(partition, name);
  }
  probeGroupNames = [...found.values()];
  return probeGroupNames;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function string(value: string): Buffer {
  const bytes = Buffer.from(value);
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** A Kafka connection for non-flexible request versions, one request at a time. */
class ProbeConnection {
  private received = Buffer.alloc(0);
  private waiting: { resolve: (body: Buffer) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private correlationId = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      if (this.received.length < 4) return;
      const size = this.received.readInt32BE(0);
      if (this.received.length < 4 + size) return;
      const response = this.received.subarray(4, 4 + size);
      this.received = this.received.subarray(4 + size);
      const waiting = this.waiting;
      this.waiting = undefined;
      if (response.readInt32BE(0) !== this.correlationId) waiting?.reject(new Error('unexpected correlation id'));
      else waiting?.resolve(response.subarray(4)); // response header v0: correlation id only
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    socket.on('timeout', () => {
      fail(new Error('timeout'));
      socket.destroy();
    });
  }

  static open(port: number, host: string, timeoutMs: number): Promise<ProbeConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.setTimeout(timeoutMs);
      socket.once('connect', () => resolve(new ProbeConnection(socket)));
      socket.once('error', reject);
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error('timeout'));
      });
    });
  }

  /** Sends a request with header v1 and returns the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const header = Buffer.alloc(8);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(++this.correlationId, 4);
    const message = Buffer.concat([header, string('sender-infra'), body]);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(Buffer.concat([int32(message.length), message]));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'ensure') {
    console.log(await ensureKafka());
  } else if (command === 'start') {
    const port = flag(args, '--port');
    const controllerPort = flag(args, '--controller-port');
    const started = Date.now();
    const broker = await startKafka({
      dataDir: flag(args, '--data-dir') ?? path.join(LOCAL_DIR, 'data', 'kafka'),
      port: port ? Number(port) : undefined,
      controllerPort: controllerPort ? Number(controllerPort) : undefined,
    });
    console.log(`kafka ready at ${broker.brokers.join(',')} in ${Date.now() - started} ms; Ctrl-C stops it`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void broker.stop().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (;;) await sleep(60_000);
  } else {
    console.error('usage: kafka.ts ensure | start [--data-dir DIR] [--port 9092] [--controller-port 9093]');
    process.exitCode = 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

/**
 * Custom replication policies: a jar the user provides, or Java source compiled here with the
 * host's javac against the Kafka image's own MM2 jars. Either ends up on MM2's classpath.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerRuntimeClient } from 'testcontainers';
import { DrillError } from '../../core/errors.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import { CONFIG_DIR } from './java-command.ts';

const run = promisify(execFile);

export interface PreparedPolicy {
  /** Files or directories to copy into the MM2 container before it starts. */
  readonly copies: { source: string; target: string; kind: 'file' | 'directory' }[];
  /** Extra classpath entries for MM2. */
  readonly classpath: string[];
}

export const noPolicy: PreparedPolicy = { copies: [], classpath: [] };

/** The Kafka image's libs on the host, extracted once per image (javac needs them). */
async function imageLibs(client: ContainerRuntimeClient, image: string): Promise<string> {
  const dir = join(tmpdir(), `mm2-drill-libs-${image.replace(/[^a-zA-Z0-9.-]+/g, '_')}`);
  if (existsSync(join(dir, '.complete'))) return join(dir, 'libs');
  mkdirSync(dir, { recursive: true });
  const docker = client.container.dockerode;
  const container = await docker.createContainer({ Image: image, Cmd: ['true'] });
  try {
    const archive = await container.getArchive({ path: '/opt/kafka/libs' });
    await new Promise<void>((ok, fail) => {
      const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'inherit'] });
      archive.pipe(tar.stdin);
      tar.on('error', fail);
      tar.on('close', (code) => (code === 0 ? ok() : fail(new Error(`tar exited ${code}`))));
    });
  } finally {
    await container.remove({ force: true });
  }
  writeFileSync(join(dir, '.complete'), '');
  return join(dir, 'libs');
}

/** Compiles Java sources against the Kafka image's own jars with the host's javac; returns the classes directory. */
export async function compileJava(client: ContainerRuntimeClient, kafkaImage: string, sources: readonly string[]): Promise<string> {
  const javac = await run('javac', ['-version']).then(() => true, () => false);
  if (!javac) {
    throw new DrillError('JAVAC_MISSING', `compiling ${sources.map((f) => basename(f)).join(', ')} needs a JDK (javac) on this machine`, {
      fix: 'install a JDK 17+ (e.g. `apt-get install openjdk-17-jdk-headless`), or give `jar:` instead of `source:`',
    });
  }
  const libs = await imageLibs(client, kafkaImage);
  const out = mkdtempSync(join(tmpdir(), 'mm2-drill-classes-'));
  try {
    await run('javac', ['--release', '17', '-cp', `${libs}/*`, '-d', out, ...sources]);
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    throw new DrillError('POLICY_COMPILE', `${sources.map((f) => basename(f)).join(', ')} does not compile against Kafka's MM2 jars`, { detail: stderr.trim(), fix: `fix ${sources.join(', ')}` });
  }
  return out;
}

export async function preparePolicy(
  client: ContainerRuntimeClient,
  mirror: Scenario['mirror'],
  scenarioDir: string,
  kafkaImage: string,
): Promise<PreparedPolicy> {
  const custom = mirror.customPolicies[mirror.policy];
  if (!custom) return noPolicy;
  if (custom.jar) {
    const jar = resolve(scenarioDir, custom.jar);
    if (!existsSync(jar)) throw new DrillError('SCENARIO_INVALID', `mirror.customPolicies.${mirror.policy}.jar: ${jar} does not exist`, { fix: 'the path is relative to the scenario file' });
    return { copies: [{ source: jar, target: `${CONFIG_DIR}/ext/${basename(jar)}`, kind: 'file' }], classpath: [`${CONFIG_DIR}/ext/*`] };
  }
  const source = resolve(scenarioDir, custom.source ?? '');
  if (!existsSync(source)) throw new DrillError('SCENARIO_INVALID', `mirror.customPolicies.${mirror.policy}.source: ${source} does not exist`, { fix: 'the path is relative to the scenario file' });
  const out = await compileJava(client, kafkaImage, [source]);
  return { copies: [{ source: out, target: `${CONFIG_DIR}/classes`, kind: 'directory' }], classpath: [`${CONFIG_DIR}/classes`] };
}

/** MirrorMaker 2 in dedicated mode (`org.apache.kafka.connect.mirror.MirrorMaker`) in its own container. */
import { GenericContainer, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { logConsumer } from './container-logs.ts';
import { CONFIG_DIR, javaCommand, logConfigFile, type KafkaImage } from './java-command.ts';
import type { PreparedPolicy } from './custom-policy.ts';

/** Where MM2 reads its configuration in its container. */
export const MM2_PROPERTIES_FILE = `${CONFIG_DIR}/mm2.properties`;

export interface StartedMirror {
  readonly container: StartedTestContainer;
  readonly logFile: string;
  readonly properties: string;
}

export async function startMirrorMaker(o: {
  image: KafkaImage;
  network: StartedNetwork;
  labels: Record<string, string>;
  properties: string;
  /** Network alias (one per mirror process). */
  alias?: string;
  logFile: string;
  policy: PreparedPolicy;
}): Promise<StartedMirror> {
  const file = MM2_PROPERTIES_FILE;
  const container = await new GenericContainer(o.image.name)
    .withNetwork(o.network)
    .withNetworkAliases(o.alias ?? 'mm2')
    .withLabels(o.labels)
    .withCopyContentToContainer([
      { content: o.properties, target: file },
      logConfigFile(o.image.version),
    ])
    .withCopyFilesToContainer(o.policy.copies.filter((c) => c.kind === 'file'))
    .withCopyDirectoriesToContainer(o.policy.copies.filter((c) => c.kind === 'directory'))
    .withCommand(['sh', '-c', `exec ${javaCommand(o.image.version, 'org.apache.kafka.connect.mirror.MirrorMaker', file, o.policy.classpath)}`])
    .withLogConsumer(logConsumer(o.logFile))
    .start();
  return { container, logFile: o.logFile, properties: o.properties };
}

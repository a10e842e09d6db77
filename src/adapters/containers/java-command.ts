/**
 * The one command line both the official apache/kafka image and the offline equivalent run:
 * plain `java -cp /opt/kafka/libs/*`, with our own logging configuration for the image's release
 * (log4j 1 for 3.x, log4j2 for 4.x: core/kafka/kafka-release.ts), so neither image's wrapper scripts
 * or environment variables are relied on.
 */
import { logConfigOf } from '../../core/kafka/kafka-release.ts';

export const CONFIG_DIR = '/tmp/mm2drill';

/** A Kafka image and the release it runs. */
export interface KafkaImage {
  readonly name: string;
  readonly version: string;
}

/** The logging configuration file a container of this release needs, for copyContentToContainer. */
export const logConfigFile = (version: string): { content: string; target: string } => {
  const c = logConfigOf(version);
  return { content: c.content, target: `${CONFIG_DIR}/${c.file}` };
};

// Short-lived test clusters: a small heap, the serial collector and C1 only start fastest on few cores.
const JVM_OPTS = '-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true';

/**
 * The main class's class-data-sharing archive, when the image has one (the offline image does:
 * docker/kafka/cds.sh; the official image does not, and runs without). Expanded by the shell
 * that runs the command. The archive's class path is a prefix of every command's here, as CDS requires.
 */
const sharedArchive = (mainClass: string): string => {
  const jsa = `/opt/kafka/cds/${mainClass}.jsa`;
  return `$([ -f ${jsa} ] && echo -XX:SharedArchiveFile=${jsa})`;
};

export const javaCommand = (version: string, mainClass: string, args: string, extraClasspath: readonly string[] = []): string => {
  const log = logConfigOf(version);
  return `java ${JVM_OPTS} ${sharedArchive(mainClass)} ${log.flag(`${CONFIG_DIR}/${log.file}`)} -cp '${['/opt/kafka/libs/*', ...extraClasspath].join(':')}' ${mainClass} ${args}`;
};

/**
 * The one command line both the official apache/kafka image and the offline equivalent run:
 * plain `java -cp /opt/kafka/libs/*`, with our own log4j2 configuration, so neither image's
 * wrapper scripts or environment variables are relied on.
 */
export const CONFIG_DIR = '/tmp/mm2drill';

export const log4j2Properties = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d{ISO8601}] %p %m (%c{1.})%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
`;

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

export const javaCommand = (mainClass: string, args: string, extraClasspath: readonly string[] = []): string =>
  `java ${JVM_OPTS} ${sharedArchive(mainClass)} -Dlog4j2.configurationFile=${CONFIG_DIR}/log4j2.properties -cp '${['/opt/kafka/libs/*', ...extraClasspath].join(':')}' ${mainClass} ${args}`;

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

const JVM_OPTS = '-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true';

export const javaCommand = (mainClass: string, args: string, extraClasspath: readonly string[] = []): string =>
  `java ${JVM_OPTS} -Dlog4j2.configurationFile=${CONFIG_DIR}/log4j2.properties -cp '${['/opt/kafka/libs/*', ...extraClasspath].join(':')}' ${mainClass} ${args}`;

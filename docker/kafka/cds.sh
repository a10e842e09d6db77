#!/bin/sh
# Builds /opt/kafka/cds/<main class>.jsa, class-data-sharing archives (JEP 310, AppCDS) of the
# classes each of the three JVMs of a drill loads: the storage tool that formats a broker's log
# directory, the broker, and MirrorMaker 2. A JVM started with it maps those classes already parsed and verified
# instead of reading them from ~100 jars: less CPU at every start, on machines where a drill
# starts five JVMs at once on two cores.
#
# How: each program runs once here, on a one-node KRaft broker on localhost, with
# -XX:DumpLoadedClassList (written as classes load, so no clean exit is needed), and each list
# is dumped with -Xshare:dump into that program's archive (one per program: a list's ids are its own). The class path must be the one the harness uses
# (src/adapters/containers/java-command.ts), a prefix of it at run time. Run at image build time only.
set -eu
dir=/tmp/cds
mkdir -p "$dir/data"
cd "$dir"
cp='/opt/kafka/libs/*'
cat >server.properties <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:19093
listeners=PLAINTEXT://localhost:19092,CONTROLLER://localhost:19093
controller.listener.names=CONTROLLER
log.dirs=$dir/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
cat >mm2.properties <<EOF
clusters=primary,backup
primary.bootstrap.servers=localhost:19092
backup.bootstrap.servers=localhost:19092
primary->backup.enabled=true
primary->backup.topics=orders
replication.factor=1
checkpoints.topic.replication.factor=1
heartbeats.topic.replication.factor=1
offset-syncs.topic.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
config.storage.replication.factor=1
refresh.topics.interval.seconds=1
emit.checkpoints.interval.seconds=1
plugin.discovery=service_load
primary.plugin.discovery=service_load
backup.plugin.discovery=service_load
EOF
# Kafka 3.x logs through log4j 1 (reload4j), 4.x through log4j2: a console configuration at INFO
# for each (the start-up lines awaited below are INFO); the other one's flag is ignored.
cat >log4j.properties <<EOF
log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
# The harness's JVM options (src/adapters/containers/java-command.ts): its JVMs' classes load, and
# the broker and MM2 reach their start-up lines sooner than with the defaults (C2, G1) on 2 cores.
opts='-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1'
java_list() { # list file, main class, args...
  list=$1; shift
  java -Xshare:off $opts -XX:DumpLoadedClassList="$dir/$list" -Dlog4j2.level=INFO -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$cp" "$@"
}
waitfor() { # log file, text
  i=0
  until grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -le 1200 ] || { echo "cds: timed out waiting for '$2' in $1" >&2; tail -50 "$1" >&2; exit 1; }
    sleep 0.1
  done
}
java_list kafka.tools.StorageTool.list kafka.tools.StorageTool format --ignore-formatted -t MkU3OEVBNTcwNTJENDM2Qg -c server.properties >storage.log 2>&1
java_list kafka.Kafka.list kafka.Kafka server.properties >broker.log 2>&1 &
broker=$!
waitfor broker.log 'Kafka Server started'
java_list org.apache.kafka.connect.mirror.MirrorMaker.list org.apache.kafka.connect.mirror.MirrorMaker mm2.properties >mm2.log 2>&1 &
mm2=$!
waitfor mm2.log 'Kafka MirrorMaker started'
sleep 2
kill -9 "$mm2" "$broker" 2>/dev/null || true
wait 2>/dev/null || true
mkdir -p /opt/kafka/cds
# The three dumps side by side: each spends most of its time waiting, not computing (on a 2-core
# VM: 80 s one after the other, 36 s together, for the same CPU time).
dumps=
for list in *.list; do
  main=${list%.list}
  ( java -Xshare:dump -XX:SharedClassListFile="$dir/$list" -XX:SharedArchiveFile="/opt/kafka/cds/$main.jsa" -cp "$cp" >"$main.dump.log" 2>&1 \
    || { tail -30 "$main.dump.log" >&2; exit 1; } ) &
  dumps="$dumps $!"
done
for p in $dumps; do wait "$p" || exit 1; done
for list in *.list; do
  main=${list%.list}
  echo "cds: $main $(wc -l <"$list") classes, $(du -m "/opt/kafka/cds/$main.jsa" | cut -f1) MB"
done
cd /
rm -rf "$dir"

/**
 * Checks across fields of one scenario (or one matrix cell), run by the schema after every field
 * parsed: each finds a drill that could not show what it is meant to, and says why and what to
 * change. Pure: nothing here reads files (custom policy paths are checked when loading).
 */
import type { ScenarioIssue } from './scenario-issue.ts';
import { conditionsOf, viewsOn, type MirrorSpec, type PlaybookStep } from './playbook.ts';
import { moveBackStrategies, usesCheckpoints } from './failover-strategy.ts';
import { builtInPolicyNames, isBuiltInPolicy, policyClassName } from '../kafka/replication-policy.ts';
import { totalRate, type Scenario, type TimelineStep } from './scenario.ts';
import { externalIssues } from './external-checks.ts';
import { excludedReason, internalTopicReason, matchingPattern, remoteLookingReason, TOPICS_EXCLUDE_DEFAULT, TOPICS_EXCLUDE_DEFAULT_BEFORE_4 } from '../kafka/mm2-topic-filter.ts';
import { flowProperties, separatorOf } from './mirror-flow.ts';
import { sourceOffsetsTopic } from '../kafka/mm2-names.ts';
import { remoteTopicName } from '../kafka/replication-policy.ts';
import { topicsOfFlow } from '../kafka/mm2-topic-filter.ts';
import { clusterNames } from '../kafka/network-layout.ts';
import { atLeast, mirrorRelease, releaseProblems } from '../kafka/kafka-release.ts';
import { sendCap } from '../history/message.ts';
import { fileLabel, namedFlowSetting, parseList } from '../kafka/mm2-properties-file.ts';


function policyIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const known = [...builtInPolicyNames, ...Object.keys(s.mirror.customPolicies)];
  if (!known.includes(s.mirror.policy)) {
    issues.push({ path: ['mirror', 'policy'], input: s.mirror.policy, message: `expected one of ${known.map((k) => `"${k}"`).join(', ')} (custom policies are declared in mirror.customPolicies)` });
  }
  for (const name of Object.keys(s.mirror.customPolicies).filter(isBuiltInPolicy)) {
    issues.push({
      path: ['mirror', 'customPolicies', name], input: name,
      message: `a custom policy cannot be named "${name}": mirror.policy "${name}" always means the built-in ${policyClassName(name)}; give it another name, e.g. "my-${name}"`,
    });
  }
  return issues;
}

/** Kafka refuses to create a topic whose name differs from an existing one only in '.' versus '_' (their metric names collide). */
const collisionKey = (name: string) => name.replace(/\./g, '_');
/** Names the schema already rejects for Kafka (Topic.validate) get no second, MM2-specific error. */
const kafkaAccepts = (name: string) => /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';

function mm2Reason(name: string, s: Scenario): string | null {
  const props = s.mirror.properties;
  // The topic filter is MM2's: its release decides (KAFKA-17200).
  const old = !atLeast(mirrorRelease(s), '4.0.0');
  const separator = separatorOf(s);
  const internal = internalTopicReason(name, old, separator);
  if (internal) return `MirrorMaker 2 would never replicate it: ${internal}, whatever topics.exclude says; rename the topic`;
  if (s.mirror.file) {
    const filtered = fileFilterReason(s, 'topics', name, old ? TOPICS_EXCLUDE_DEFAULT_BEFORE_4 : TOPICS_EXCLUDE_DEFAULT);
    if (filtered) return `MirrorMaker 2 would not replicate it with your properties file: ${filtered}; rename the scenario's topic to a name your file replicates, or override the entry in mirror.properties`;
  } else {
    const excluded = excludedReason(name, props, old);
    if (excluded) return `MirrorMaker 2 would never replicate it: ${excluded}`;
  }
  const remote = remoteLookingReason(name, separator);
  return remote && `named like a remote topic: ${remote}`;
}

/** DefaultGroupFilter.GROUPS_EXCLUDE_DEFAULT (the same in every Kafka the drill runs). */
const GROUPS_EXCLUDE_DEFAULT = 'console-consumer-.*, connect-.*, __.*';

/**
 * Why the team's properties file keeps the forward flow from `name` (a topic, or a consumer group
 * whose offsets MM2 checkpoints), as DefaultTopicFilter / DefaultGroupFilter decide: a name must
 * match the include list (`topics` / `groups`, default `.*`) and none of the exclude list. Null:
 * it passes (or a pattern is Java-only syntax JavaScript cannot compile, which MM2 judges itself).
 */
function fileFilterReason(s: Scenario, kind: 'topics' | 'groups', name: string, excludeDefault: string): string | null {
  const label = fileLabel(s.mirror);
  const setting = (key: string) => namedFlowSetting(s.mirror.file, s.mirror.properties, key, label);
  const include = setting(kind);
  if (include) {
    const patterns = parseList(include.value);
    const compiles = patterns.every((p) => { try { new RegExp(p); return true; } catch { return false; } });
    if (compiles && matchingPattern(patterns, name) === undefined) return `no pattern of ${include.source} = ${include.value} matches "${name}"`;
  }
  const exclude = setting(`${kind}.exclude`);
  const hit = matchingPattern(parseList(exclude?.value ?? excludeDefault), name);
  if (hit === undefined) return null;
  return exclude ? `"${name}" matches "${hit}" of ${exclude.source}` : `"${name}" matches "${hit}" of MM2's default ${kind}.exclude "${excludeDefault}"`;
}

/**
 * A properties file's filters let the drill's consumer group through (its offsets are what the
 * failover translates: checkpoints, the group sync); a separator other than "." is followed only
 * where the harness names MM2's topics from it (remote topics, the checkpoints topic).
 */
function fileIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  if (s.mirror.file && s.external) {
    issues.push({ path: ['mirror', 'propertiesFile'], input: s.mirror.propertiesFile, message: 'with external clusters your own MM2 runs between them, and the drill starts none to run this file with: remove mirror.propertiesFile' });
  }
  if (s.mirror.clusterAliases !== undefined && s.mirror.propertiesFile === undefined && !s.mirror.file && !('mirror.propertiesFile' in s.matrix)) {
    issues.push({ path: ['mirror', 'clusterAliases'], input: s.mirror.clusterAliases, message: 'cluster aliases map the clusters of a properties file: give mirror.propertiesFile too' });
  }
  const group = s.workload.consumer.groupId;
  const filtered = s.mirror.file && fileFilterReason(s, 'groups', group, GROUPS_EXCLUDE_DEFAULT);
  if (filtered) {
    issues.push({
      path: ['workload', 'consumer', 'groupId'], input: group,
      message: `MirrorMaker 2 would not checkpoint this group with your properties file, so there would be no offsets to fail over: ${filtered}; name the drill's group like one of yours (workload.consumer.groupId)`,
    });
  }
  // Seeding a mirror and resetting its offsets write MM2's default offsets topic (core/kafka/mm2-names.ts sourceOffsetsTopic).
  // The herder of X->Y reads a top-level offset.storage.topic over `Y.offset.storage.topic` (MirrorMakerConfig.workerConfig).
  const props = flowProperties(s);
  const renamed = clusterNames.map((c) => [c, props['offset.storage.topic'] ?? props[`${c}.offset.storage.topic`]] as const)
    .find(([c, topic]) => topic !== undefined && String(topic) !== sourceOffsetsTopic(clusterNames.find((x) => x !== c)!));
  const steps = s.playbook === undefined ? [] : typeof s.playbook === 'string' ? (s.playbooks[s.playbook] ?? []) : s.playbook;
  const writesOffsets = Object.values(s.mirrors).some((m) => m.startFrom === 'seeded') || steps.some((x) => x.action === 'reset-mirror-offsets');
  if (renamed && s.playbook !== undefined && writesOffsets) {
    issues.push({
      path: ['mirror', 'propertiesFile'], input: renamed[1],
      message: `your properties file names MM2's offsets topic on the ${renamed[0]} cluster, and the playbook's seeded mirror or reset-mirror-offsets step writes MM2's default one (mm2-offsets.<source>.internal): remove it from the file for the drill, or drop those steps`,
    });
  }
  const separator = separatorOf(s);
  if (separator !== '.') {
    const why = `replication.policy.separator is "${separator}", and`;
    if (s.playbook !== undefined) issues.push({ path: ['playbook'], input: separator, message: `${why} playbooks name remote and internal topics with "." (seeded mirrors, move-consumers, topic steps): drill this file without a playbook` });
    if (s.failover.crossCheck) issues.push({ path: ['failover', 'crossCheck'], input: true, message: `${why} the cross-check runs Kafka's RemoteClusterUtils with the default separator: set crossCheck to false` });
  }
  return issues;
}

function topicIssues(s: Scenario): ScenarioIssue[] {
  return s.topics.flatMap((t, i) => {
    const path = ['topics', i, 'name'];
    if (!kafkaAccepts(t.name)) return [];
    const first = s.topics.findIndex((x) => collisionKey(x.name) === collisionKey(t.name));
    if (first < i) {
      const other = s.topics[first]?.name;
      const message = other === t.name
        ? `topics[${first}] has the same name: declare each topic once`
        : `collides with topics[${first}].name "${other}": Kafka rejects names that differ only in "." versus "_"; rename one of them`;
      return [{ path, input: t.name, message }];
    }
    const reason = mm2Reason(t.name, s) ?? remoteNameReason(t.name, s);
    return reason ? [{ path, input: t.name, message: reason }] : [];
  });
}

/** Kafka's longest topic name (Topic.MAX_NAME_LENGTH). */
const MAX_TOPIC_NAME = 249;
/** What an external drill adds to each of its topic names: `-<run id>` (core/scenario/external.ts runScoped). */
const RUN_SUFFIX = '-000000'.length;

/**
 * The remote copy of a topic under the Default policy is `<source alias><separator><topic>`
 * (with the run id on external clusters): over 249 characters MM2 cannot create it, and the
 * drill would wait for a copy that never comes.
 */
function remoteNameReason(name: string, s: Scenario): string | null {
  const alias = s.external?.mirror.sourceAlias ?? 'primary';
  const suffix = s.external ? RUN_SUFFIX : 0;
  const remote = remoteTopicName(s.mirror.policy, name, alias, separatorOf(s));
  if (remote === null || remote.length + suffix <= MAX_TOPIC_NAME) return null;
  const room = MAX_TOPIC_NAME - (remote.length - name.length) - suffix;
  return `its remote copy would be named "${remote.slice(0, 40)}…" (${remote.length + suffix} characters: the source alias "${alias.length > 20 ? `${alias.slice(0, 20)}…` : alias}", the separator, the topic${suffix ? ' and the run id' : ''}), over Kafka's ${MAX_TOPIC_NAME}: MM2 could not create it; ${room > 0 ? `shorten the topic name to at most ${room} characters` : 'shorten the source alias or the separator'}`;
}

const killStep = (s: Scenario) => {
  const i = s.timeline.findIndex((x) => x.action === 'kill-primary');
  return i < 0 ? undefined : { index: i, step: s.timeline[i] as TimelineStep };
};

function brokerIssues(s: Scenario): ScenarioIssue[] {
  return s.timeline.flatMap((step, i) => {
    const a = step.action;
    if (a === 'kill-primary' || a.fault !== 'kill-broker') return [];
    const [nodes, field] = a.cluster === 'primary' ? [s.kafka.nodes, 'kafka.nodes'] : s.kafka.backupNodes !== undefined ? [s.kafka.backupNodes, 'kafka.backupNodes'] : [s.kafka.nodes, 'kafka.nodes, as kafka.backupNodes is not set'];
    if (a.broker < nodes) return [];
    return [{
      path: ['timeline', i, 'action', 'broker'], input: a.broker,
      message: `the ${a.cluster} has ${nodes} broker(s) (${field}), numbered 0 to ${nodes - 1}: use a broker index below ${nodes}, or more brokers`,
    }];
  });
}

function timelineIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const kill = killStep(s);
  if (!kill && s.workload.durationSeconds === undefined) {
    issues.push({ path: ['workload', 'durationSeconds'], input: undefined, message: 'a timeline without "kill-primary" needs workload.durationSeconds to end the drill' });
  }
  if (kill?.step.durationSeconds !== undefined) {
    issues.push({ path: ['timeline'], input: kill.step.durationSeconds, message: '"kill-primary" cannot have a duration: the primary stays dead' });
  }
  const end = s.workload.durationSeconds;
  const rate = totalRate(s);
  if (kill && end !== undefined) {
    const at = kill.step.at;
    const latest = typeof at === 'number' ? at + (kill.step.jitterSeconds ?? 0) : null;
    if (latest !== null && latest >= end) {
      issues.push({
        path: ['timeline', kill.index, 'at'], input: at,
        message: `the kill of the primary (at ${at} s${kill.step.jitterSeconds ? `, jittered up to ${latest} s` : ''}) would come at or after the workload stops producing (workload.durationSeconds ${end}): nothing would be in flight to lose; kill before ${end} s, or produce longer`,
      });
    }
    if (typeof at === 'object' && 'acked' in at && at.acked > rate * end) {
      issues.push({
        path: ['timeline', kill.index, 'at', 'acked'], input: at.acked,
        message: `the workload acks about ${Math.floor(rate * end)} messages (${rate}/s for workload.durationSeconds ${end}), so the kill at ${at.acked} acked would never come; kill at fewer acked messages, or produce longer`,
      });
    }
  }
  const delay = s.workload.consumer.startDelaySeconds;
  // A kill at {acked: N} comes about N / rate seconds after the start.
  if (kill && typeof kill.step.at === 'object' && 'acked' in kill.step.at && delay > 0 && delay * rate >= kill.step.at.acked) {
    issues.push({
      path: ['workload', 'consumer', 'startDelaySeconds'], input: delay,
      message: `the consumer would start after the kill of the primary at ${kill.step.at.acked} acked messages (about ${(kill.step.at.acked / rate).toFixed(1)} s at ${rate}/s), so it would never consume on the primary and there would be no offsets to fail over; start it earlier (below ${(kill.step.at.acked / rate).toFixed(1)} s) or kill at more acked messages`,
    });
  }
  // A kill at {acked: N} or {replicationLagAbove: N} has no time to compare; with jitter `at` is the earliest kill.
  if (kill && typeof kill.step.at === 'number' && delay >= kill.step.at) {
    const when = kill.step.jitterSeconds ? `at ${kill.step.at} s at the earliest (timeline[${kill.index}].at, jittered up to ${kill.step.jitterSeconds} s)` : `at ${kill.step.at} s (timeline[${kill.index}].at)`;
    issues.push({
      path: ['workload', 'consumer', 'startDelaySeconds'], input: delay,
      message: `the consumer would start at or after the kill of the primary ${when}, so it would never consume on the primary and there would be no offsets to fail over; start it earlier (below ${kill.step.at}) or kill later`,
    });
  }
  return issues;
}

function workloadIssues(s: Scenario): ScenarioIssue[] {
  const w = s.workload;
  if (w.transactionRecords > 0 && (w.acks !== 'all' || w.idempotent === false)) {
    return [{ path: ['workload', w.acks !== 'all' ? 'acks' : 'idempotent'], input: w.acks !== 'all' ? w.acks : w.idempotent, message: 'a transactional producer is idempotent and needs acks "all" (KIP-98); set both, or workload.transactionRecords to 0' }];
  }
  // A transaction is one send: it holds at most what one send carries of each topic.
  const oneSend = s.topics.reduce((n, t) => n + sendCap(t.messageBytes ?? w.messageBytes), 0);
  if (w.transactionRecords > oneSend) {
    return [{ path: ['workload', 'transactionRecords'], input: w.transactionRecords, message: `a transaction is one send, which carries at most ${oneSend} messages of these topics (500 per topic, 512 KiB of them); use at most ${oneSend}` }];
  }
  // Several processes each write every partition: a key would have several writers, and the
  // transactional lag sampler reads the acks as they happen, which the processes record apart.
  if (w.processes > 1 && (typeof w.keys === 'number' || w.transactionRecords > 0)) {
    const keyed = typeof w.keys === 'number';
    return [{ path: ['workload', 'processes'], input: w.processes, message: `several producer processes cannot run ${keyed ? 'numeric keys (a key\'s order needs one writer)' : 'transactions (the lag of a transactional workload is sampled from the acks as they happen)'}; use workload.processes 1, or ${keyed ? 'keys "id" or "none"' : 'transactionRecords 0'}` }];
  }
  // Producer hosts are producer processes elsewhere: the same limits, and one level of them.
  if (w.hosts && (w.processes > 1 || typeof w.keys === 'number' || w.transactionRecords > 0)) {
    const why = w.processes > 1 ? 'processes above 1 (each host runs one producer process; add hosts instead)' : typeof w.keys === 'number' ? 'numeric keys (a key\'s order needs one writer)' : 'transactions (the lag of a transactional workload is sampled from the acks as they happen)';
    return [{ path: ['workload', 'hosts'], input: w.hosts, message: `producer hosts cannot run with ${why}; drop workload.hosts, or ${w.processes > 1 ? 'set workload.processes to 1' : typeof w.keys === 'number' ? 'use keys "id" or "none"' : 'set transactionRecords to 0'}` }];
  }
  if (w.idempotent === true && w.acks !== 'all') {
    return [{ path: ['workload', 'acks'], input: w.acks, message: 'an idempotent producer needs acks "all" (or set workload.idempotent to false)' }];
  }
  return [];
}

/** A standby member blocks MM2's sync only of the group it is a member of, the one `mm2-sync` resumes as. */
function standbyIssues(s: Scenario): ScenarioIssue[] {
  if (!s.failover.standbyOnBackup) return [];
  const path = ['failover', 'standbyOnBackup'];
  if (s.failover.strategy !== 'mm2-sync') {
    return [{ path, input: true, message: `a standby member of the group changes nothing for the "${s.failover.strategy}" strategy, which resumes as a group of its own (${s.workload.consumer.groupId}-${s.failover.strategy}); use failover.strategy "mm2-sync", or drop the standby` }];
  }
  if (s.playbook !== undefined) return [{ path, input: true, message: "a standby member is started and handed over by the default playbook's failover only; drop the scenario's playbook, or the standby" }];
  if (!killStep(s)) return [{ path, input: true, message: 'a standby member waits for a failover, and this timeline has no "kill-primary"' }];
  return [];
}

/**
 * Without a playbook the drill starts one MirrorMaker 2, from the `mirror` block: mirrors declared
 * beside it (their properties, policies, names) would be silently ignored.
 */
function unusedMirrorsIssues(s: Scenario): ScenarioIssue[] {
  if (s.playbook !== undefined) return [];
  const names = Object.keys(s.mirrors);
  const forward = s.mirrors.forward;
  const plain = names.length === 1 && forward !== undefined && forward.source === 'primary' && forward.target === 'backup'
    && forward.startAt === 'setup' && forward.startFrom === 'earliest' && forward.policy === undefined && forward.role === 'data' && Object.keys(forward.properties).length === 0;
  return plain ? [] : [{
    path: ['mirrors'], input: names,
    message: 'without a playbook the drill runs one MirrorMaker 2 from the `mirror` block, and `mirrors` is not used: put its settings in `mirror.properties` (a matrix dimension can set each), or drive the drill with a playbook (docs/playbooks.md)',
  }];
}

/** A playbook names mirrors and playbooks that exist, and has a mirror to start with. */
function playbookIssues(s: Scenario): ScenarioIssue[] {
  if (s.playbook === undefined) return [];
  const issues: ScenarioIssue[] = [];
  const names = Object.keys(s.playbooks);
  if (typeof s.playbook === 'string' && !names.includes(s.playbook)) {
    issues.push({ path: ['playbook'], input: s.playbook, message: `no playbook named "${s.playbook}" in playbooks (${names.map((n) => `"${n}"`).join(', ') || 'none declared'})` });
  }
  const mirrors = Object.keys(s.mirrors);
  // The timeline's default is one kill at 20 s; any other kill there would be silently ignored.
  const killAt = s.timeline.findIndex((x) => x.action === 'kill-primary');
  const defaultKill = s.timeline.length === 1 && JSON.stringify(s.timeline[0]) === JSON.stringify({ at: 20, action: 'kill-primary' });
  if (killAt >= 0 && !defaultKill) {
    issues.push({ path: ['timeline', killAt], input: 'kill-primary', message: 'with a playbook the timeline holds faults only: kill the primary with a `kill-cluster` step' });
  }
  if (!Object.values(s.mirrors).some((m) => m.startAt === 'setup' && m.source === 'primary')) {
    issues.push({ path: ['mirrors'], input: mirrors, message: 'a playbook needs a mirror from primary to backup with startAt "setup" (the flow that replicates before the drill starts)' });
  }
  for (const [i, [name, m]] of Object.entries(s.mirrors).entries()) {
    // The drill finds the remote topics through the first mirror it starts: a data mirror.
    const dataBefore = Object.values(s.mirrors).slice(0, i).some((x) => x.role === 'data' && x.source === m.source && x.target === m.target && (x.startAt === 'setup' || m.startAt === 'step'));
    if (m.role === 'offsets' && !dataBefore) {
      issues.push({ path: ['mirrors', name, 'role'], input: m.role, message: `an "offsets" mirror runs beside a "data" mirror of the same flow (${m.source} → ${m.target}) declared before it and started no later` });
    }
  }
  // The drill waits for every topic's remote copy on the backup: some mirror started with it must copy each.
  const forward = Object.values(s.mirrors).filter((m) => m.role === 'data' && m.startAt === 'setup' && m.source === 'primary' && m.target === 'backup');
  const copied = new Set(forward.flatMap((m) => topicsOfFlow(s.topics.map((t) => t.name), { ...flowProperties(s), ...m.properties }, 'primary->backup')));
  const uncopied = s.topics.map((t) => t.name).filter((t) => !copied.has(t));
  if (forward.length && uncopied.length) {
    issues.push({ path: ['mirrors'], input: uncopied, message: `no mirror from primary to backup started with the environment copies ${uncopied.join(', ')}: its \`topics\` lists leave them out` });
  }
  if (!isBuiltInPolicy(s.mirror.policy)) {
    issues.push({ path: ['mirror', 'policy'], input: s.mirror.policy, message: `playbooks support the built-in policies (${builtInPolicyNames.map((p) => `"${p}"`).join(', ')}): a custom policy's remote topic names are not known in advance` });
  }
  const books: [(string | number)[], PlaybookStep[]][] = Array.isArray(s.playbook) ? [[['playbook'], s.playbook]] : Object.entries(s.playbooks).map(([n, b]) => [['playbooks', n], b]);
  for (const [path, steps] of books) {
    steps.forEach((step, i) => {
      if (step.action === 'move-consumers' && step.to === 'primary' && !moveBackStrategies.includes(step.strategy)) {
        issues.push({ path: [...path, i, 'strategy'], input: step.strategy, message: `moving consumers back to the primary supports ${moveBackStrategies.map((m) => `"${m}"`).join(', ')}; the other failover strategies read the forward flow's checkpoints and offsets` });
      }
      if (step.action === 'grant-acls' && !s.kafka.security) {
        issues.push({ path: [...path, i, 'action'], input: step.action, message: 'grant-acls creates kafka.security.acls: declare kafka.security (SASL, the authorizer and the workload\'s ACLs)' });
      }
      const topicIssue = stepTopicIssue(s, step);
      if (topicIssue) issues.push({ path: [...path, i, 'topic'], input: (step as { topic?: string }).topic, message: topicIssue });
      const conditions = conditionsOf(step.when);
      for (const [j, w] of conditions.entries()) {
        if ('alarm' in w && s.alarms[w.alarm] === undefined) {
          issues.push({ path: [...path, i, 'when', ...(Array.isArray(step.when) ? [j] : []), 'alarm'], input: w.alarm, message: `no alarm on ${w.alarm}: declare it in alarms, e.g. alarms: { ${w.alarm}: '>10' }` });
        }
      }
      const named = ['mirror' in step ? step.mirror : undefined, ...conditions.map((w) => ('mirror' in w ? w.mirror : undefined))].filter((m) => m !== undefined);
      for (const m of named.filter((x) => !mirrors.includes(x))) {
        issues.push({ path: [...path, i], input: m, message: `no mirror named "${m}" (declared: ${mirrors.map((x) => `"${x}"`).join(', ')})` });
      }
    });
  }
  return issues;
}

/** A topic step names a topic of the scenario — or, to delete or alter, one of its views on that cluster (a mirror's remote topic). */
function stepTopicIssue(s: Scenario, step: PlaybookStep): string | null {
  if (!('topic' in step)) return null;
  const own = s.topics.map((t) => t.name);
  if (step.action === 'create-topic' || step.action === 'reset-mirror-offsets') {
    return own.includes(step.topic) ? null : `"${step.topic}" is not a topic of the scenario (${own.join(', ')}): the workload writes only those`;
  }
  const policy = (m: MirrorSpec) => m.policy ?? s.mirror.policy;
  const views = own.flatMap((t) => viewsOn(step.cluster, t, s.mirrors, policy));
  return views.includes(step.topic) ? null : `"${step.topic}" is not a topic of the drill on ${step.cluster} (${views.join(', ')})`;
}

/** What the scenario's Kafka and MM2 releases cannot do (core/kafka/kafka-release.ts). */
function releaseIssues(s: Scenario): ScenarioIssue[] {
  const steps = s.playbook === undefined ? [] : typeof s.playbook === 'string' ? (s.playbooks[s.playbook] ?? []) : s.playbook;
  const moves = steps.flatMap((p) => (p.action === 'move-consumers' ? [p.strategy] : []));
  return releaseProblems({
    kafka: s.kafka.version,
    mirror: mirrorRelease(s),
    mirrorProperties: flowProperties(s),
    startsFromLatest: Object.values(s.mirrors).some((m) => m.startFrom === 'latest'),
    usesCheckpoints: [s.failover.strategy, ...moves].some(usesCheckpoints),
    exactlyOnce: s.mirror.exactlyOnce,
  });
}

export const scenarioIssues = (s: Scenario): ScenarioIssue[] => [
  ...policyIssues(s), ...topicIssues(s), ...workloadIssues(s), ...brokerIssues(s), ...(s.playbook === undefined ? timelineIssues(s) : playbookIssues(s)), ...externalIssues(s),
  ...fileIssues(s), ...releaseIssues(s), ...standbyIssues(s), ...securityIssues(s), ...unusedMirrorsIssues(s),
];

/** `kafka.security` secures the clusters the drill starts: not external ones (their own `ssl` / `sasl`), not a team's properties file's MM2 with its own credentials. */
function securityIssues(s: Scenario): ScenarioIssue[] {
  if (!s.kafka.security || !s.external) return [];
  return [{ path: ['kafka', 'security'], input: 'security', message: 'external clusters have their own security: give external.<cluster>.sasl, and remove kafka.security' }];
}

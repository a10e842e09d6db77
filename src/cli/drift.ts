/**
 * `mm2-drill drift`: the configs of every mirrored topic compared between two clusters — the
 * user's own as well as a drill's — with what MM2 would do about each difference
 * (core/kafka/topic-drift.ts). Exit code 0: no difference; 1: differences; 3: a cluster does not answer.
 */
import { Option, type Command } from 'commander';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrillError, ExitCode, type ExitCodeValue } from '../core/errors.ts';
import { compareClusters, mm2DefaultExclude, mm2SyncDefaults, type SyncRules, type TopicSnapshot } from '../core/kafka/topic-drift.ts';
import { closeQuietly, kafkaClient } from '../adapters/clients/kafka-client.ts';
import { snapshotTopics } from '../adapters/clients/topic-configs.ts';
import { aclDriftTable, driftTable } from '../render/drift.ts';
import { compareAcls, missingAcls, mm2AclSyncDefaults, type Acl } from '../core/kafka/acl.ts';
import { remoteTopicName } from '../core/kafka/replication-policy.ts';
import { findRemoteTopic } from '../core/kafka/mm2-names.ts';
import { describeAllAcls } from '../adapters/clients/acl-admin.ts';
import { rememberSecrets } from '../adapters/secrets.ts';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

interface DriftOptions {
  source: string;
  target: string;
  policy: string;
  sourceAlias: string;
  targetAlias: string;
  topics?: string;
  syncInterval: number;
  refreshInterval: number;
  exclude?: string;
  useDefaultsFrom: 'source' | 'target';
  sync: boolean;
  json: boolean;
  acls: boolean;
  aclSync: boolean;
  aclSyncInterval: number;
}

/**
 * SASL for secured clusters, from the environment only: a password never goes on a command line
 * (shell history, `ps`). Remembered as a secret, so no output shows it.
 */
function saslFromEnv(env: NodeJS.ProcessEnv): Partial<KafkaConfig> {
  const username = env.MM2_DRILL_SASL_USERNAME;
  if (!username) return {};
  const password = env.MM2_DRILL_SASL_PASSWORD ?? '';
  rememberSecrets([password]);
  const mechanism = (env.MM2_DRILL_SASL_MECHANISM ?? 'plain').toLowerCase();
  if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
    throw new DrillError('USAGE', `MM2_DRILL_SASL_MECHANISM is ${mechanism}`, { fix: 'set it to plain, scram-sha-256 or scram-sha-512' });
  }
  return { sasl: { mechanism, username, password } as SASLOptions };
}

async function snapshotOf(bootstrap: string, which: string, security: Partial<KafkaConfig>, withAcls: boolean): Promise<{ topics: TopicSnapshot[]; acls: Acl[] }> {
  const admin = kafkaClient(bootstrap.split(','), 'mm2-drill-drift', join(tmpdir(), 'mm2-drill-drift-kafkajs.log'), security).admin();
  try {
    await admin.connect();
    return { topics: await snapshotTopics(admin), acls: withAcls ? await describeAllAcls(admin) : [] };
  } catch (e) {
    throw new DrillError('CLUSTER_UNREACHABLE', `the ${which} cluster at ${bootstrap} does not answer: ${e instanceof Error ? e.message : String(e)}`, {
      fix: `check --${which} (host:port of its brokers, comma-separated) and that this machine can reach it`,
    });
  } finally {
    await closeQuietly(admin);
  }
}

async function drift(opts: DriftOptions, out: (s: string) => void): Promise<ExitCodeValue> {
  const rules: SyncRules = {
    enabled: opts.sync, intervalSeconds: opts.syncInterval, refreshSeconds: opts.refreshInterval,
    exclude: opts.exclude === undefined ? mm2DefaultExclude : opts.exclude.split(',').map((x) => x.trim()).filter(Boolean), useDefaultsFrom: opts.useDefaultsFrom,
  };
  let topics: RegExp | undefined;
  try {
    topics = opts.topics === undefined ? undefined : new RegExp(`^(?:${opts.topics})$`);
  } catch (e) {
    throw new DrillError('USAGE', `--topics is not a regular expression: ${e instanceof Error ? e.message : String(e)}`, { fix: 'pass a regex of source topic names, e.g. --topics "orders|payments.*"' });
  }
  const security = saslFromEnv(process.env);
  const [source, target] = await Promise.all([snapshotOf(opts.source, 'source', security, opts.acls), snapshotOf(opts.target, 'target', security, opts.acls)]);
  const report = compareClusters({ source: source.topics, target: target.topics, policy: opts.policy, sourceAlias: opts.sourceAlias, targetAlias: opts.targetAlias, rules, ...(topics ? { topics } : {}) });
  // MM2 copies the ACLs of the topics it replicates, under their remote names.
  const replicated = new Set(compareClusters({ source: source.topics, target: [], policy: opts.policy, sourceAlias: opts.sourceAlias, targetAlias: opts.targetAlias, rules, ...(topics ? { topics } : {}) }).drifts.map((d) => d.sourceTopic));
  const targetNames = target.topics.map((t) => t.name);
  const remoteTopic = (t: string) => (replicated.has(t) ? remoteTopicName(opts.policy, t, opts.sourceAlias) ?? findRemoteTopic(opts.policy, t, targetNames, opts.sourceAlias) ?? null : null);
  const acls = opts.acls ? compareAcls(source.acls, target.acls, { enabled: opts.aclSync, intervalSeconds: opts.aclSyncInterval, remoteTopic }) : null;
  const differs = report.drifts.length > 0 || (acls !== null && missingAcls(acls).length > 0);
  out(opts.json
    ? JSON.stringify({ source: opts.source, target: opts.target, policy: opts.policy, rules, ...report, ...(acls ? { acls } : {}) }, null, 2)
    : [driftTable(report), ...(acls ? [aclDriftTable(acls)] : [])].join('\n\n'));
  return differs ? ExitCode.checksFailed : ExitCode.ok;
}

export function driftCommand(program: Command, out: (s: string) => void, done: (code: ExitCodeValue) => void): void {
  const num = (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new DrillError('USAGE', `not a number of seconds: ${v}`, { fix: 'pass a whole number of seconds' });
    return n;
  };
  program
    .command('drift')
    .description('compare the configs of every mirrored topic between two clusters, and say what MM2 will sync, when, or never')
    .requiredOption('--source <bootstrap>', 'the source cluster (host:port,…)')
    .requiredOption('--target <bootstrap>', 'the target cluster (host:port,…)')
    .option('--policy <policy>', 'replication policy: default, identity, or a class name (then the one target topic containing the source name)', 'default')
    .option('--source-alias <alias>', 'the source cluster\'s alias in MM2 (the Default policy\'s prefix)', 'primary')
    .option('--target-alias <alias>', 'the target cluster\'s alias in MM2 (its topics copied to the source are not compared back)', 'backup')
    .option('--topics <regex>', 'source topics to compare (default: every topic but internal ones)')
    .option('--sync-interval <s>', 'the mirror\'s sync.topic.configs.interval.seconds', num, mm2SyncDefaults.intervalSeconds)
    .option('--refresh-interval <s>', 'the mirror\'s refresh.topics.interval.seconds', num, mm2SyncDefaults.refreshSeconds)
    .option('--exclude <regexes>', 'the mirror\'s config.properties.exclude, comma-separated (default: MM2\'s)')
    .addOption(new Option('--use-defaults-from <cluster>', 'the mirror\'s use.defaults.from').choices(['source', 'target']).default('target'))
    .option('--no-sync', 'the mirror has sync.topic.configs.enabled=false')
    .option('--json', 'print the differences as JSON', false)
    .option('--acls', 'compare the ACLs too: each source ACL against what MM2\'s ACL sync writes (LITERAL topic ACLs, never ALLOW WRITE, ALL as READ)', false)
    .option('--acl-sync-interval <s>', 'the mirror\'s sync.topic.acls.interval.seconds', num, mm2AclSyncDefaults.intervalSeconds)
    .option('--no-acl-sync', 'the mirror has sync.topic.acls.enabled=false')
    .addHelpText('after', [
      '\nExit codes: 0 no difference, 1 differences found, 2 usage, 3 a cluster does not answer.',
      '\nSecured clusters: MM2_DRILL_SASL_USERNAME, MM2_DRILL_SASL_PASSWORD (never on the command line) and MM2_DRILL_SASL_MECHANISM (plain, scram-sha-256, scram-sha-512; default plain). --acls needs a principal allowed to describe ACLs (DESCRIBE on the cluster).',
      '\nExamples:',
      '  $ npx mm2-drill drift --source kafka-east:9092 --target kafka-west:9092',
      '  $ npx mm2-drill drift --source a:9092 --target b:9092 --policy identity --topics "orders|payments" --json',
      '  $ MM2_DRILL_SASL_USERNAME=admin MM2_DRILL_SASL_PASSWORD=$PW npx mm2-drill drift --source a:9092 --target b:9092 --acls',
    ].join('\n'))
    .action(async (opts: DriftOptions) => done(await drift(opts, out)));
}

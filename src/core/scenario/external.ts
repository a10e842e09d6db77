/**
 * External clusters: a rehearsal against clusters that already exist (staging), with the team's
 * own MirrorMaker 2 already running between them. The harness starts no broker and no MM2: it
 * creates a drill topic on the primary, produces and consumes there, waits for the team's MM2 to
 * copy the topic to the backup, and at the kill step either runs the team's own command (stop
 * the primary, scale a StatefulSet to 0, block traffic) or — without one — cuts its own test
 * clients off the primary through a local Toxiproxy. Then the consumer fails over and the backup
 * is read back: the ledger is the same as in a containerised drill.
 *
 * Nothing that exists is touched: every topic and consumer group the drill creates carries the
 * run id and the number of its cell run (`orders` → `orders-<runId>-<n>`), so the team's MM2
 * `topics` / `groups` patterns must let such names through. Each cell run has names of its own:
 * a repetition that re-created the topic an earlier one deleted would meet the team's MM2 still
 * holding that topic's offset syncs and checkpoints (stale offsets, wrong counts). A drill topic,
 * its remote topic or a drill group that exists before the cell run creates it is a refusal: the
 * harness never produces to, commits to or deletes what it did not create. At the end it deletes
 * exactly what the cell run created — its topics, the remote topics MM2 made of them, and every
 * consumer group its clients used (each paired variant's, the failover strategies', its own
 * readers') on both clusters — and names whatever it could not remove (`--keep` leaves them).
 * MM2's own internal topics (checkpoints, offset syncs, heartbeats) are not touched.
 *
 * The team's commands run in a process group of their own with a minimal environment (PATH,
 * HOME, the MM2_DRILL_* variables and those the scenario names in `commandEnv`); at the timeout
 * the whole group is stopped. A killed primary is always restored, `--keep` or not.
 */
import { z } from 'zod';

/** Shortest accepted commandTimeoutSeconds: a kill or restore of a real cluster takes seconds. */
export const MIN_COMMAND_TIMEOUT_SECONDS = 5;

const externalClusterSchema = z.strictObject({
  bootstrapServers: z.string().regex(/^[^,\s]+:\d{1,5}(,[^,\s]+:\d{1,5})*$/, 'host:port[,host:port…]')
    .describe('bootstrap.servers: host:port[,host:port…], reachable from this machine.'),
  ssl: z.union([
    z.boolean(),
    z.strictObject({
      caFile: z.string().min(1).optional().describe('A CA bundle (PEM file, relative to the scenario file); it must exist.'),
      rejectUnauthorized: z.boolean().default(true).describe('Refuse a broker certificate the CAs do not vouch for; `false` accepts any certificate.'),
    }),
  ]).default(false).describe("TLS for the harness's clients: `true` (system CAs), or `{ caFile }` (a CA bundle)."),
  // The password is redacted from everything the tool writes and prints (core/redaction.ts).
  sasl: z.strictObject({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('The SASL mechanism.'),
    username: z.string().min(1).describe('The SASL user.'),
    password: z.string().describe('Its password: read it from the environment (`process.env.X`), not written in the file. Redacted from everything the tool writes and prints.'),
  }).optional().describe("SASL for the harness's clients."),
  killCommand: z.string().min(1).optional()
    .describe("The kill: a shell command that makes the cluster unavailable (`kubectl scale sts/kafka --replicas=0`, a firewall rule…), run from the scenario file's directory with MM2_DRILL_* variables set. Without one, the kill cuts the harness's own clients off the cluster (Toxiproxy). Pass a secret as a variable reference (`curl -H \"Authorization: Bearer $STAGING_TOKEN\" …`, the variable named in `commandEnv`): the shell resolves `$VAR` when the command runs, and the command is shown and written as given. What looks like a credential written into the command text (`--token x`, `password=x`, a URL's user:password) is redacted wherever the command is shown."),
  restoreCommand: z.string().min(1).optional()
    .describe('Undoes `killCommand` (a playbook\'s restore; also run at the end of the cell if the cluster was killed, `--keep` or not). A `killCommand` needs one, or `noRestore`.'),
  noRestore: z.boolean().default(false)
    .describe('The `killCommand` is not to be undone: the cluster stays down after the drill. Only for a drill of one cell run (the next one would meet a dead cluster).'),
}).meta({ id: 'external-cluster', title: 'External cluster', description: 'One existing cluster of `external`: how the harness reaches it, and how the drill kills and restores it.' });

export const externalSchema = z.strictObject({
  primary: externalClusterSchema.describe('The cluster the drill writes to and kills.'),
  backup: externalClusterSchema.describe('The cluster the consumer fails over to.'),
  mirror: z.strictObject({
    sourceAlias: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'an MM2 cluster alias')
      .describe('The alias the team\'s MM2 gives the primary: remote topics are `<alias>.<topic>` under the Default policy, and its checkpoints `<alias>.checkpoints.internal`.'),
    discoveryTimeoutSeconds: z.number().positive().max(7200).default(900)
      .describe('How long MM2 may take to create the remote topic of the new drill topic: it looks for new topics every refresh.topics.interval.seconds (600 s by default, KIP-382).'),
  }).describe("What the harness must know of the team's MM2 (the scenario's `mirror.policy` names its replication policy)."),
  commandTimeoutSeconds: z.number().positive().max(3600).default(300)
    .describe(`Upper bound on a kill or restore command (its whole process group is stopped then); ${MIN_COMMAND_TIMEOUT_SECONDS} s at least.`),
  commandEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).default([])
    .describe('Names of environment variables passed to the kill and restore commands (KUBECONFIG, AWS_PROFILE…): they get PATH, HOME and the MM2_DRILL_* variables, not the whole environment.'),
}).describe("Clusters that already exist (staging) with the team's own MM2 between them, instead of containers (docs/external-clusters.md): no broker or MM2 is started, `kafka` is ignored. The drill's topics and groups carry the run id, so the MM2's `topics` and `groups` patterns must let them through.");

export type External = z.output<typeof externalSchema>;
export type ExternalCluster = External['primary'];

/** Kafka's limit on a topic name. */
export const MAX_TOPIC_NAME = 249;

/**
 * The characters a run adds to a drill topic's name: `-<runId>` (6 hex digits) and `-<n>` (the
 * cell run's number, at most 8 digits: far beyond the matrix-size guard).
 */
export const RUN_NAME_SUFFIX_MAX = '-000000-00000000'.length;

/** The name a drill topic or group has on an external cluster: the run id (and cell run) make it the drill's own. */
export const runScoped = (name: string, scope: string): string => `${name}-${scope}`;

/**
 * The environment a team's kill or restore command gets: PATH, HOME, the MM2_DRILL_* variables
 * and those the scenario names in `commandEnv` — not the harness's whole environment (its
 * credentials and tokens are not the command's business) — then the drill's own MM2_DRILL_* values.
 */
export function commandEnvironment(from: Readonly<Record<string, string | undefined>>, names: readonly string[], drill: Readonly<Record<string, string>>): Record<string, string> {
  const passed = (k: string) => k === 'PATH' || k === 'HOME' || k.startsWith('MM2_DRILL_') || names.includes(k);
  const kept = Object.entries(from).filter((e): e is [string, string] => e[1] !== undefined && passed(e[0]));
  return { ...Object.fromEntries(kept), ...drill };
}

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

const externalClusterSchema = z.strictObject({
  /** bootstrap.servers: host:port[,host:port…], reachable from this machine. */
  bootstrapServers: z.string().regex(/^[^,\s]+:\d{1,5}(,[^,\s]+:\d{1,5})*$/, 'host:port[,host:port…]'),
  /** TLS for the harness's clients: true (system CAs), or a CA bundle (PEM file, relative to the scenario file). */
  ssl: z.union([z.boolean(), z.strictObject({ caFile: z.string().min(1).optional(), rejectUnauthorized: z.boolean().default(true) })]).default(false),
  /**
   * SASL for the harness's clients. Read the password from the environment (`process.env.X`), not
   * written in the file: it is redacted from everything the tool writes and prints (core/redaction.ts).
   */
  sasl: z.strictObject({ mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']), username: z.string().min(1), password: z.string() }).optional(),
  /**
   * The kill: a shell command that makes the cluster unavailable (`kubectl scale sts/kafka
   * --replicas=0`, a firewall rule…), run from the scenario file's directory with MM2_DRILL_*
   * variables set. Without one, the kill cuts the harness's own clients off the cluster (Toxiproxy).
   * Pass a secret as a variable reference (`curl -H "Authorization: Bearer $STAGING_TOKEN" …`): the
   * shell resolves `$VAR` when the command runs, and the command is shown and written as given,
   * the reference and not its value. What looks like a credential written into the command text
   * (`--token x`, `password=x`, `Authorization: Bearer x`, a URL's user:password) is redacted
   * wherever the command is shown.
   */
  killCommand: z.string().min(1).optional(),
  /** Undoes `killCommand` (a playbook's restore; also run at the end of the cell if the cluster was killed, `--keep` or not). */
  restoreCommand: z.string().min(1).optional(),
  /**
   * The killCommand is not to be undone: the cluster stays down after the drill. Only for a drill
   * of one cell run (the next one would meet a dead cluster); without it a killCommand needs a
   * restoreCommand.
   */
  noRestore: z.boolean().default(false),
});

export const externalSchema = z.strictObject({
  primary: externalClusterSchema,
  backup: externalClusterSchema,
  /** What the harness must know of the team's MM2 (the scenario's `mirror.policy` names its replication policy). */
  mirror: z.strictObject({
    /** The alias the MM2 gives the primary: remote topics are `<alias>.<topic>` under the Default policy, and its checkpoints `<alias>.checkpoints.internal`. */
    sourceAlias: z.string().regex(/^[a-zA-Z0-9._-]+$/, 'an MM2 cluster alias'),
    /**
     * How long MM2 may take to create the remote topic of the new drill topic: it looks for new
     * topics every refresh.topics.interval.seconds (600 s by default, KIP-382).
     */
    discoveryTimeoutSeconds: z.number().positive().max(7200).default(900),
  }),
  /** Upper bound on a kill or restore command (its whole process group is stopped then). */
  commandTimeoutSeconds: z.number().positive().max(3600).default(300),
  /**
   * Names of environment variables passed to the kill and restore commands (KUBECONFIG,
   * AWS_PROFILE…): they get PATH, HOME and the MM2_DRILL_* variables, not the whole environment.
   */
  commandEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')).default([]),
});

export type External = z.output<typeof externalSchema>;
export type ExternalCluster = External['primary'];

/** Shortest accepted commandTimeoutSeconds: a kill or restore of a real cluster takes seconds. */
export const MIN_COMMAND_TIMEOUT_SECONDS = 5;

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

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
import type { Cell } from './matrix.ts';
import type { Scenario } from './scenario.ts';
import type { ScenarioIssue } from './scenario-checks.ts';
import { isMirrorInternal, remoteTopicName } from './mm2-config.ts';
import { redactor } from './redaction.ts';
import { clusterNames, type ClusterName } from './topology.ts';

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

function renamed(cell: Cell, scope: string): Cell {
  const s = cell.scenario;
  if (!s.external) return cell;
  return {
    ...cell,
    scenario: {
      ...s,
      topics: s.topics.map((t) => ({ ...t, name: runScoped(t.name, scope) })),
      workload: { ...s.workload, consumer: { ...s.workload.consumer, groupId: runScoped(s.workload.consumer.groupId, scope) } },
      // The team's MM2 is not the harness's to start or stop.
      mirrors: {},
    },
  };
}

/** A cell's scenario with the run's topic and group names (a containerised cell is unchanged): what scenario.json keeps. */
export const withRunNames = (cell: Cell, runId: string): Cell => renamed(cell, runId);

/**
 * A cell of the run (already `withRunNames`) as its `unit`-th environment runs it (1-based, in
 * the run's whole plan): every cell run — cell × repetition — has topic and group names of its
 * own; paired variants share the environment's topic and add their own `-v<n>` to the group.
 */
export const forCellRun = (cell: Cell, unit: number): Cell => renamed(cell, String(unit));

/** The cluster's topics and groups before a cell run creates its own. */
export interface ClusterNames {
  readonly topics: readonly string[];
  readonly groups: readonly string[];
}

/**
 * What of a cell run's names already exists (before it created anything): the drill topics on the
 * primary, a topic on the backup that would be taken for their remote topic, and the variants'
 * groups (or one derived from them, `<group>-…`) on either cluster. Each entry names the cluster.
 */
export function preexisting(s: Scenario, groups: readonly string[], on: Record<ClusterName, ClusterNames>): string[] {
  const found: string[] = [];
  for (const t of s.topics) {
    if (on.primary.topics.includes(t.name)) found.push(`topic ${t.name} on the primary`);
    const remote = remoteTopicName(s.mirror.policy, t.name, s.external?.mirror.sourceAlias);
    for (const b of on.backup.topics.filter((b) => (remote === null ? !isMirrorInternal(b) && b.includes(t.name) : b === remote))) found.push(`topic ${b} on the backup`);
  }
  for (const c of clusterNames) {
    for (const g of on[c].groups.filter((g) => groups.some((v) => g === v || g.startsWith(`${v}-`)))) found.push(`group ${g} on the ${c}`);
  }
  return found;
}

/** The cell as the run directory keeps it: credentials replaced (the SASL passwords, what looks like one in the commands). */
export const redacted = (cell: Cell): Cell => redactor().json(cell);

/** What a drill on external clusters cannot do: the harness runs neither their brokers nor their MM2. */
export function externalIssues(s: Scenario): ScenarioIssue[] {
  if (!s.external) return [];
  const issues: ScenarioIssue[] = [];
  if (s.playbook !== undefined) {
    issues.push({ path: ['playbook'], input: s.playbook, message: 'a playbook starts and stops mirrors the harness runs: with external clusters use `timeline` (its kill-primary runs external.primary.killCommand, or cuts the test clients off)' });
  }
  s.timeline.forEach((step, i) => {
    const a = step.action;
    if (a === 'kill-primary') return;
    if ('link' in a && a.link.startsWith('clients-')) return;
    issues.push({ path: ['timeline', i, 'action'], input: a, message: `with external clusters the harness faults only its own clients' links (clients-primary, clients-backup): it runs neither the brokers nor MM2 of "${a.fault}"` });
  });
  if (s.failover.crossCheck) issues.push({ path: ['failover', 'crossCheck'], input: true, message: 'the cross-check runs inside the harness\'s MM2 container; external clusters have none' });
  for (const c of clusterNames) {
    const x = s.external[c];
    if (x.restoreCommand && !x.killCommand) issues.push({ path: ['external', c, 'restoreCommand'], input: x.restoreCommand, message: 'a restoreCommand undoes a killCommand: give both, or neither' });
    if (x.killCommand && !x.restoreCommand && !x.noRestore) {
      // The missing field is named (a command is not echoed: it may hold a token).
      issues.push({ path: ['external', c, 'restoreCommand'], input: undefined, message: `a killCommand without a restoreCommand leaves the ${c} down after the drill: give external.${c}.restoreCommand (the command that brings it back), or set \`external.${c}.noRestore: true\` if it is to stay down` });
    }
    if (x.noRestore && (x.restoreCommand || !x.killCommand)) {
      issues.push({ path: ['external', c, 'noRestore'], input: true, message: 'noRestore says a killCommand is not undone: give it with a killCommand and without a restoreCommand' });
    }
    const runs = Object.values(s.matrix).reduce((n, v) => n * v.length, 1) * s.repeat;
    if (x.noRestore && x.killCommand && runs > 1) {
      issues.push({ path: ['external', c, 'noRestore'], input: true, message: `the ${c} stays down after the first cell run, and this drill has ${runs} (matrix × repeat): give a restoreCommand, or run one cell once` });
    }
  }
  if (s.external.commandTimeoutSeconds < MIN_COMMAND_TIMEOUT_SECONDS) {
    issues.push({ path: ['external', 'commandTimeoutSeconds'], input: s.external.commandTimeoutSeconds, message: `at least ${MIN_COMMAND_TIMEOUT_SECONDS} s: a kill or restore of a real cluster takes seconds, and a shorter bound stops it half-way` });
  }
  s.topics.forEach((t, i) => {
    const named = `${t.name}-<runId>-<n>`;
    const remote = remoteTopicName(s.mirror.policy, named, s.external!.mirror.sourceAlias) ?? named;
    const longest = remote.length - '-<runId>-<n>'.length + RUN_NAME_SUFFIX_MAX;
    if (longest > MAX_TOPIC_NAME) {
      issues.push({ path: ['topics', i, 'name'], input: t.name, message: `on external clusters this topic is ${named} and its remote topic ${remote}: up to ${longest} characters, more than Kafka's ${MAX_TOPIC_NAME}; use a name of at most ${t.name.length - (longest - MAX_TOPIC_NAME)} characters` });
    }
  });
  return issues;
}

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

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
 * run id (`orders` → `orders-<runId>`), so the team's MM2 `topics` / `groups` patterns must let
 * such names through, and those are the only names the harness deletes at the end (`--keep`
 * leaves them). The remote topic MM2 created for the drill topic carries the run id too and is
 * deleted with it; MM2's own internal topics (checkpoints, offset syncs, heartbeats) are not.
 */
import { z } from 'zod';
import type { Cell } from './matrix.ts';
import type { Scenario } from './scenario.ts';
import type { ScenarioIssue } from './scenario-checks.ts';
import { clusterNames } from './topology.ts';
import { redactor } from './redaction.ts';

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
  /** Undoes `killCommand` (a playbook's restore; also run at the end of the cell if the cluster was killed). */
  restoreCommand: z.string().min(1).optional(),
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
  /** Upper bound on a kill or restore command. */
  commandTimeoutSeconds: z.number().positive().max(3600).default(300),
});

export type External = z.output<typeof externalSchema>;
export type ExternalCluster = External['primary'];

/** The name a drill topic or group has on an external cluster: the run id makes it the drill's own. */
export const runScoped = (name: string, runId: string): string => `${name}-${runId}`;

/** A cell's scenario with the run's own topic and group names (a containerised cell is unchanged). */
export function withRunNames(cell: Cell, runId: string): Cell {
  const s = cell.scenario;
  if (!s.external) return cell;
  return {
    ...cell,
    scenario: {
      ...s,
      topics: s.topics.map((t) => ({ ...t, name: runScoped(t.name, runId) })),
      workload: { ...s.workload, consumer: { ...s.workload.consumer, groupId: runScoped(s.workload.consumer.groupId, runId) } },
      // The team's MM2 is not the harness's to start or stop.
      mirrors: {},
    },
  };
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
  }
  return issues;
}

/**
 * A drill on external clusters, cell run by cell run: the names it gives its topics and groups,
 * what of them already exists, and the cell as the run directory keeps it. Every topic and
 * consumer group the drill creates carries the run id and the number of its cell run
 * (`orders` → `orders-<runId>-<n>`): a repetition that re-created the topic an earlier one deleted
 * would meet the team's MM2 still holding that topic's offset syncs and checkpoints (stale
 * offsets, wrong counts). What exists before the cell run creates it is a refusal
 * (core/scenario/external.ts has the whole contract).
 */
import type { Cell } from './matrix.ts';
import type { Scenario } from '../scenario/scenario.ts';
import { isMirrorInternal } from '../kafka/mm2-names.ts';
import { remoteTopicName } from '../kafka/replication-policy.ts';
import { redactor } from '../redaction.ts';
import { clusterNames, type ClusterName } from '../kafka/network-layout.ts';
import { runScoped } from '../scenario/external.ts';


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


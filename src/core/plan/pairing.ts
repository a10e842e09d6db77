/**
 * Paired variants: the cells of a matrix that differ only on the consumer side, or in MM2's
 * settings, share one environment per repetition, so they face one failure instead of each its own.
 *
 * Why: MM2 checkpoints and syncs offsets on fixed schedules, and where the kill falls in those
 * schedules moves a cell's duplicates more than most settings do. Two cells killed at different
 * instants compare different luck; variants killed by the same kill, after the same messages,
 * differ only by what they vary. Each variant is one consumer group of its own (the scenario's
 * group id with `-v<n>`), started on the primary, failed over and drained on its own; the
 * primary, the producer, the faults and the kill are shared, and every event of theirs is
 * recorded in each variant's history, so each variant is measured exactly as an unpaired cell is.
 *
 * Consumer side: cells whose scenarios are equal once `failover` and `workload.consumer` (and the
 * thresholds, judged per cell afterwards) are left out share everything, one backup and one MM2
 * included. MM2 side: cells that also differ in `mirror.*` share the primary, the producer and
 * the kill, and each distinct `mirror` block gets a "side" of its own — its own backup cluster and
 * its own MM2 (primary → that backup), whose events (the backup's records, offset syncs,
 * checkpoints, lag, translated offsets, the failover's reads) go only to the variants of that
 * side. On the shared primary the MMs' traces are kept apart: each writes its offset syncs on
 * its own backup (`offset-syncs.topic.location = target`, KIP-716), copies no group of another
 * side (`groups.exclude`) and runs no herder for the opposite pair (its heartbeats off: the
 * herder's Connect group and storage topics on the primary would be one for every MM2,
 * MirrorMakerConfig.clusterPairs). An environment holds at most as many sides as the Docker
 * engine holds twice (the next environment starts beside the current one) and `MAX_BACKUPS_PER_ENVIRONMENT`;
 * a larger group is dealt over several environments.
 *
 * Not paired: a scenario's own playbook (it moves one consumer group through its steps),
 * `pairing: false`, and every cell that differs on the clusters or the producer side — those get
 * an environment each. Not paired MM2-side (`mirrorSideUnpairedBecause`): what would share
 * something other than the primary, or set what keeps the sides apart.
 */
import type { Cell } from './matrix.ts';
import { setPath } from './matrix.ts';
import { playbookOf, type Scenario } from '../scenario/scenario.ts';
import { isBuiltInPolicy, SOURCE_ALIAS, TARGET_ALIAS } from '../kafka/replication-policy.ts';
import { MAX_BACKUPS_PER_ENVIRONMENT } from './capacity.ts';

/** The scenario paths only the test consumer reads: variants that differ only there can share an environment. */
export const CONSUMER_SIDE = ['failover', 'workload.consumer'] as const;
/** The scenario paths only MM2 reads: variants that differ there share the primary, each with its own backup and MM2. */
export const MIRROR_SIDE = ['mirror'] as const;

const under = (paths: readonly string[]) => (path: string): boolean => paths.some((p) => path === p || path.startsWith(`${p}.`));
export const isConsumerSide = under(CONSUMER_SIDE);
export const isMirrorSide = under(MIRROR_SIDE);

/**
 * Most consumer groups in one environment when sides are put together: each is a kafkajs consumer
 * in the harness beside the JVMs on the same cores (docs/pairing-and-shards.md, "What sharing costs").
 * A single side keeps all of its variants, however many.
 */
export const MAX_LANES_PER_ENVIRONMENT = 6;

/** One environment of a run: the variants it holds (one when unpaired), for one repetition. */
export interface RunUnit {
  readonly cells: readonly Cell[];
  readonly repetition: number;
  /** Each cell's side (its backup and MM2, `sides` of them in all), in `cells` order: all 0 unless the variants differ in `mirror.*`. */
  readonly sides: readonly number[];
}

/** Why a scenario's cells each get their own environment; null when they may be paired. */
export function unpairedBecause(s: Scenario): string | null {
  if (!s.pairing) return 'pairing: false';
  if (playbookOf(s)) return "a scenario's own playbook moves one consumer group through its steps";
  return null;
}

/** What MM2 is told about which groups it copies and where its offset syncs go: the keys that keep sides apart. */
const ISOLATION_KEYS = /(^|\.)(groups|groups\.exclude|offset-syncs\.topic\.location|emit\.heartbeats\.enabled)$/;

/**
 * Why a scenario's variants that differ in `mirror.*` may not share a primary (each with its own
 * backup and MM2); null when they may. Whatever would share more than the primary, or a fault
 * the sides might not face alike, keeps them apart: when in doubt, not paired.
 */
export function mirrorSideUnpairedBecause(s: Scenario): string | null {
  const why = unpairedBecause(s);
  if (why) return why;
  if (s.external) return "external clusters: one backup, the team's";
  const m = Object.entries(s.mirrors);
  if (m.length !== 1 || m[0]![1].source !== 'primary' || m[0]![1].target !== 'backup' || m[0]![1].policy !== undefined || Object.keys(m[0]![1].properties).length > 0) return 'its own `mirrors`';
  if (s.timeline.some((x) => x.action !== 'kill-primary')) return 'a fault on the timeline (it might not hit every backup and MM2 alike)';
  if (s.timeline.some((x) => typeof x.at === 'object' && 'replicationLagAbove' in x.at)) return "a kill on replication lag (each side's MM2 lags its own way)";
  if (s.kafka.security) return 'secured clusters (ACLs are granted per cluster at start-up)';
  if (Object.keys(s.alarms).length > 0) return "alarms (MM2's health is watched on one backup)";
  if (s.mirror.file) return "a team's properties file";
  if (!isBuiltInPolicy(s.mirror.policy)) return 'a custom replication policy (built per environment)';
  if (Object.keys(s.mirror.properties).some((k) => ISOLATION_KEYS.test(k))) return "mirror.properties set MM2's groups or where its offset syncs go, which keep the sides apart";
  return null;
}

/** Everything an environment depends on: the scenario without its consumer side and thresholds (and MM2's settings, when sides may differ). */
function environmentKey(s: Scenario, mirrorSide: boolean): string {
  const { failover: _f, thresholds: _t, workload: { consumer: _c, ...workload }, mirror, ...rest } = s;
  return JSON.stringify({ ...rest, workload, ...(mirrorSide ? {} : { mirror }) });
}

/** The groups by environment (before they are dealt over environments): each group's sides, each side's cells. */
function sideGroups(cells: readonly Cell[]): Cell[][][] {
  const groups = new Map<string, Map<string, Cell[]>>();
  for (const [i, c] of cells.entries()) {
    const s = c.scenario;
    const mirrorSide = mirrorSideUnpairedBecause(s) === null;
    const key = unpairedBecause(s) === null ? environmentKey(s, mirrorSide) : `#${i}`;
    const sides = groups.get(key) ?? new Map<string, Cell[]>();
    const side = JSON.stringify(s.mirror);
    sides.set(side, [...(sides.get(side) ?? []), c]);
    groups.set(key, sides);
  }
  return [...groups.values()].map((sides) => [...sides.values()]);
}

/**
 * A group's sides dealt over as few environments as hold them — at most `maxSides` sides and
 * `MAX_LANES_PER_ENVIRONMENT` variants each (a side larger than that alone) — evened out: 7 sides
 * at 6 an environment are 4 + 3, not 6 + 1.
 */
function deal(sides: readonly Cell[][], maxSides: number): Cell[][][] {
  const cap = Math.max(1, maxSides);
  const even = Math.ceil(sides.length / Math.ceil(sides.length / cap));
  const out: Cell[][][] = [];
  for (const side of sides) {
    const last = out.at(-1);
    const lanes = (last ?? []).reduce((n, x) => n + x.length, 0);
    if (last && last.length < even && lanes + side.length <= MAX_LANES_PER_ENVIRONMENT) last.push(side);
    else out.push([side]);
  }
  return out;
}

/** The environments' variants, in the order of their first cell: each environment's cells and each cell's side. */
export function environmentGroups(cells: readonly Cell[], maxSides = MAX_BACKUPS_PER_ENVIRONMENT): { cells: Cell[]; sides: number[] }[] {
  return sideGroups(cells).flatMap((group) => deal(group, maxSides)).map((sides) => ({
    cells: sides.flat(),
    sides: sides.flatMap((side, i) => side.map(() => i)),
  }));
}

/** The cells grouped by the environment they can share, in the order of their first cell. */
export function variantGroups(cells: readonly Cell[], maxSides = MAX_BACKUPS_PER_ENVIRONMENT): Cell[][] {
  return environmentGroups(cells, maxSides).map((g) => g.cells);
}

/** The run's environments: each group of variants once per repetition, group after group. */
export function planUnits(cells: readonly Cell[], maxSides = MAX_BACKUPS_PER_ENVIRONMENT): RunUnit[] {
  return environmentGroups(cells, maxSides).flatMap((g) => Array.from({ length: g.cells[0]!.scenario.repeat }, (_, r) => ({ cells: g.cells, sides: g.sides, repetition: r + 1 })));
}

/** A variant's cell in a shared environment: its own consumer group (`<group>-v<n>`), nothing else changed. */
export function asVariant(cell: Cell, index: number, variants: number): Cell {
  if (variants <= 1) return cell;
  const groupId = `${cell.scenario.workload.consumer.groupId}-v${index + 1}`;
  return { ...cell, scenario: setPath(cell.scenario, 'workload.consumer.groupId', groupId) };
}

/** MM2's default `groups.exclude` (MirrorCheckpointConfig, DefaultGroupFilter): a side's own exclusions come after it. */
const GROUPS_EXCLUDE_DEFAULT = 'console-consumer-.*, connect-.*, __.*';
const regexLiteral = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The variants of an environment with several sides, each cell's MM2 kept to its own side on the
 * shared primary (after `asVariant`, so that the groups are the variants' own): its offset syncs
 * on its own backup (KIP-716: on the primary, every side's MM2 would write and read one topic,
 * `mm2-offset-syncs.backup.internal`, and translate with another's syncs), no group of another
 * side copied (`groups.exclude`; MM2 lists every group of the source), no herder for
 * backup → primary (every MM2 would join its one Connect group on the primary,
 * MirrorMakerConfig.clusterPairs). Written into `mirror.properties`, so that the cell's
 * mm2.properties, its recorded settings and the harness's readers all see them.
 */
export function asSides(cells: readonly Cell[], sides: readonly number[]): Cell[] {
  if (new Set(sides).size <= 1) return [...cells];
  return cells.map((cell, i) => {
    const others = cells.filter((_, j) => sides[j] !== sides[i]).map((c) => regexLiteral(c.scenario.workload.consumer.groupId));
    const properties = {
      ...cell.scenario.mirror.properties,
      'offset-syncs.topic.location': 'target',
      'groups.exclude': [GROUPS_EXCLUDE_DEFAULT, ...others].join(', '),
      [`${TARGET_ALIAS}->${SOURCE_ALIAS}.emit.heartbeats.enabled`]: false,
    };
    return { ...cell, scenario: setPath(cell.scenario, 'mirror.properties', properties) };
  });
}

/**
 * What the run's pairing is, for the terminal and the report: which dimensions share an
 * environment and which do not, and why; `maxSides`: how many backups and MM2s an environment
 * may hold (core/plan/capacity.ts).
 */
export function describePairing(cells: readonly Cell[], maxSides = MAX_BACKUPS_PER_ENVIRONMENT): string {
  const first = cells[0];
  if (!first || cells.length === 1) return 'one cell: nothing to pair';
  const why = unpairedBecause(first.scenario);
  if (why) return `not paired (${why}): one environment per cell run`;
  const dims = Object.keys(first.scenario.matrix);
  const consumer = dims.filter(isConsumerSide);
  const mirror = dims.filter(isMirrorSide);
  const apart = dims.filter((d) => !isConsumerSide(d) && !isMirrorSide(d));
  const envs = environmentGroups(cells, maxSides);
  const mirrorWhy = mirrorSideUnpairedBecause(first.scenario);
  const most = Math.max(...envs.map((g) => g.cells.length));
  const mostSides = Math.max(...envs.map((g) => new Set(g.sides).size));
  const parts = [
    consumer.length ? `${consumer.join(', ')} paired: up to ${most} variant(s) share each environment and its kill` : '',
    !mirror.length ? '' : mirrorWhy
      ? `${mirror.join(', ')} not paired (${mirrorWhy}): one environment each`
      : mostSides === 1 && maxSides > 1
        ? `${mirror.join(', ')}: one environment each (its consumer-side variants fill the ${MAX_LANES_PER_ENVIRONMENT} consumer groups an environment of several backups holds)`
        : `${mirror.join(', ')} paired MM2-side: one primary, producer and kill for up to ${mostSides} variant(s), each with its own backup and MM2 (at most ${maxSides} an environment${maxSides < MAX_BACKUPS_PER_ENVIRONMENT ? ": what the Docker engine's memory holds twice" : ''})`,
    ...(apart.length ? [`${apart.join(', ')} change(s) the environment (clusters or producer side): one environment each`] : []),
  ].filter(Boolean);
  if (!consumer.length && !mirror.length) parts.unshift('no consumer- or MM2-side dimension: nothing to pair');
  return `${parts.join('; ')} — ${envs.length * first.scenario.repeat} environment(s) for ${cells.length * first.scenario.repeat} cell run(s)`;
}

/**
 * MM2's offset syncs as the drill read them: how many per source partition, and their spacing
 * against `offset.lag.max`. MirrorSourceTask writes a sync — a source record's offset and where
 * it wrote that record's copy on the target — when the downstream offset moved `offset.lag.max`
 * past the last sync's, after an upstream gap or a downstream truncation, at its first record,
 * and from 3.7.0 also the newest record's at each offset flush (KAFKA-14666, KAFKA-15906).
 *
 * Definitions: the syncs of a source partition, in the syncs topic's order (`syncsOffset`: MM2
 * writes every sync to partition 0, so that order is the order MM2 wrote them); a *step* is the
 * downstream distance between two successive ones. `read`: `complete` when the drill read the
 * syncs topic to the end it had just before its cluster was killed (or at the end of the steps),
 * `incomplete` when not, `unknown` when the drill did not read it — a team's MM2 between external
 * clusters names the topic after a target alias the scenario does not give, or the history is
 * older than the reading. The oracles over the same syncs are core/checker/mm2-invariants.ts's.
 */
import { FORWARD, flowValue } from '../kafka/mm2-properties-file.ts';
import type { CellSettings } from '../history/cell-settings.ts';
import { eventsOf, type EventOf, type HistoryEvents } from '../history/history.ts';
import { tpKey } from '../history/topic-partition.ts';
import type { Checker } from './checker.ts';
import { median } from './topic-replication.ts';

export interface SyncPoint {
  upstream: string;
  downstream: string;
}

export interface OffsetSyncPartition {
  syncs: number;
  first: SyncPoint;
  last: SyncPoint;
  /** The largest and the median downstream step between successive syncs; null with one sync. */
  maxStep: number | null;
  medianStep: number | null;
}

export interface OffsetSyncFigures {
  read: 'complete' | 'incomplete' | 'unknown';
  /** Syncs of the drill's topics read; null when not read. */
  syncs: number | null;
  /** The forward flow's offset.lag.max (null: not recorded). */
  offsetLagMax: number | null;
  /** Per SOURCE `topic/partition`. */
  partitions: Record<string, OffsetSyncPartition>;
}

/** The drill's offset syncs per source `topic/partition`, each in the order MM2 wrote them. */
export function syncsByPartition(events: HistoryEvents): Map<string, EventOf<'offset-sync'>[]> {
  const out = new Map<string, EventOf<'offset-sync'>[]>();
  const order = (a: EventOf<'offset-sync'>, b: EventOf<'offset-sync'>) =>
    a.syncsPartition - b.syncsPartition || (BigInt(a.syncsOffset) < BigInt(b.syncsOffset) ? -1 : BigInt(a.syncsOffset) > BigInt(b.syncsOffset) ? 1 : 0);
  for (const s of eventsOf(events, 'offset-sync')) {
    const k = tpKey(s.topic, s.partition);
    out.set(k, [...(out.get(k) ?? []), s]);
  }
  for (const list of out.values()) list.sort(order);
  return out;
}

/** The forward flow's effective offset.lag.max: a raw `properties` entry (a playbook mirror's own first), else the resolved field. */
export function offsetLagMaxOf(settings: CellSettings): number | null {
  const forward = Object.values(settings.mirrors ?? {}).find((m) => m.source === 'primary' && m.target === 'backup');
  for (const props of [forward?.properties, settings.mirror?.properties]) {
    const v = props && flowValue(props, FORWARD, 'offset.lag.max');
    if (v && Number.isFinite(Number(v.value))) return Number(v.value);
  }
  return settings.mirror?.offsetLagMax ?? null;
}

export function offsetSyncFigures(events: HistoryEvents, settings: CellSettings): OffsetSyncFigures {
  const reads = eventsOf(events, 'read-complete').filter((r) => r.what === 'offset-syncs');
  const byTp = syncsByPartition(events);
  const offsetLagMax = offsetLagMaxOf(settings);
  if (reads.length === 0 && byTp.size === 0) return { read: 'unknown', syncs: null, offsetLagMax, partitions: {} };
  const partitions: Record<string, OffsetSyncPartition> = {};
  for (const [tp, list] of [...byTp].sort(([a], [b]) => a.localeCompare(b))) {
    const steps = list.slice(1).map((s, i) => Number(BigInt(s.downstreamOffset) - BigInt(list[i]!.downstreamOffset)));
    const point = (s: EventOf<'offset-sync'>): SyncPoint => ({ upstream: s.upstreamOffset, downstream: s.downstreamOffset });
    partitions[tp] = {
      syncs: list.length, first: point(list[0]!), last: point(list.at(-1)!),
      maxStep: steps.length ? Math.max(...steps) : null, medianStep: steps.length ? median(steps) : null,
    };
  }
  const syncs = [...byTp.values()].reduce((n, l) => n + l.length, 0);
  return { read: reads.some((r) => r.complete) ? 'complete' : 'incomplete', syncs, offsetLagMax, partitions };
}

export const offsetSyncsChecker: Checker<OffsetSyncFigures> = { name: 'offset-syncs', run: ({ events, settings }) => offsetSyncFigures(events, settings) };

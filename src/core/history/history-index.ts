/**
 * One pass over a cell's history, indexed for the checkers (ledger, consistency checks,
 * attribution). Pure: it only reads events. Offsets are bigint (Kafka offsets are int64).
 */
import { cellSettingsOf } from './cell-settings.ts';
import { eventsOf, type ConsumerPhase, type EventOf, type HistoryEvents } from './history.ts';
import { PickedEvents } from './event-log.ts';
import { IdMap, IdTable, IntColumn, NameTable, OffsetColumn, RecordIdMap } from './id-columns.ts';
import { offsetsLabels } from './offsets-labels.ts';
import { tpKey } from './topic-partition.ts';

/** Where one record sits: a topic-partition and an offset. */
export interface Located {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export interface DeliveryCounts {
  primary: number;
  backup: number;
}

export interface HistoryIndex {
  /** Acked ids → where the producer's ack put them on the primary. */
  readonly acked: ReadonlyMap<string, Located>;
  readonly failed: ReadonlySet<string>;
  readonly indeterminate: ReadonlySet<string>;
  readonly deliveries: ReadonlyMap<string, DeliveryCounts>;
  /** Each phase's deliveries in order, by their position in the history (each built as it is read: core/history/event-log.ts). */
  readonly delivered: Readonly<Record<ConsumerPhase, PickedEvents<EventOf<'deliver'>>>>;
  /** Ids found by the verification read → each distinct backup offset holding them. */
  readonly backupCopies: ReadonlyMap<string, readonly Located[]>;
  /** `topic/partition@offset` on the backup → the id the verification read found there. */
  readonly backupAt: ReadonlyMap<string, string>;
  /** Each consumer's own report when it stopped (null: it never stopped cleanly). */
  readonly positions: Readonly<Record<ConsumerPhase, EventOf<'positions'> | null>>;
  /**
   * The failover strategy's choice (null: no failover), and the partitions where it pointed past
   * the backup's end at the failover (`failover-end`): Kafka answers such a fetch with
   * OFFSET_OUT_OF_RANGE and the consumer resumes by auto.offset.reset instead — the raw-copy
   * strategy's lot when the backup trails the committed offsets.
   */
  readonly chosen: { strategy: string; group: string; offsets: ReadonlyMap<string, bigint>; outOfRange: ReadonlySet<string> } | null;
  /** The primary consumer's last commit per source topic/partition: its own record, or the primary's answer just before the kill if further. */
  readonly lastCommit: ReadonlyMap<string, bigint>;
  readonly checkpoints: readonly EventOf<'checkpoint'>[];
  /** The test consumer's group (from the cell's settings). */
  readonly groupId: string | null;
  /** The configured wait between the kill and the failover (ms), from the cell's settings. */
  readonly failoverDelayMs: number | null;
  /** The failed-over consumer's auto.offset.reset (the scenario's default, earliest, when not recorded). */
  readonly autoOffsetReset: 'earliest' | 'latest';
  /** Whether the producer was idempotent (null: not recorded). */
  readonly idempotent: boolean | null;
  readonly killAt: number | null;
  readonly firstBackupDelivery: number | null;
  /** Per backup topic/partition, the offset of the failed-over consumer's first delivery there. */
  readonly firstBackupOffsets: ReadonlyMap<string, bigint>;
  readonly backupReadComplete: boolean;
  readonly drainComplete: boolean;
  /**
   * Per source topic/partition, the highest log start offsets sampled (`sample` events' `starts`)
   * on the primary and on its remote partition on the backup: every record below had been deleted
   * by retention. Absent: never sampled.
   */
  readonly logStarts: ReadonlyMap<string, { primary: bigint; backup: bigint }>;
  /** An `offsets` look-up by label and cluster (any cluster when left out), as `topic/partition` → offset (last one wins). */
  offsets(label: string, cluster?: string): ReadonlyMap<string, bigint>;
}

/** Where records sit, by entry: a topic number, a partition and an offset in columns. */
class Places {
  private readonly topics: NameTable;
  private readonly topic = new IntColumn();
  private readonly partition = new IntColumn();
  private readonly offset = new OffsetColumn();
  constructor(topics: NameTable) {
    this.topics = topics;
  }

  set(i: number, e: { topic: string; partition: number; offset: string }): void {
    this.topic.set(i, this.topics.number(e.topic));
    this.partition.set(i, e.partition);
    this.offset.set(i, e.offset);
  }

  at(i: number): Located {
    return { topic: this.topics.names[this.topic.get(i)]!, partition: this.partition.get(i), offset: this.offset.bigint(i) };
  }
}

export function indexHistory(events: HistoryEvents): HistoryIndex {
  // The per-message events, in columns (core/history/id-columns.ts): 130–230 B a message where
  // a Map entry per id with its objects and BigInts took 700 (docs/scale.md).
  const ids = new IdTable();
  const topics = new NameTable();
  const ackedAt = new Places(topics);
  const acked = new IdMap<Located>(ids, (i) => ackedAt.at(i));
  const counts = { primary: new IntColumn(), backup: new IntColumn() };
  const deliveries = new IdMap<DeliveryCounts>(ids, (i) => ({ primary: counts.primary.get(i), backup: counts.backup.get(i) }));
  const firstCopy = new Places(topics);
  const moreCopies = new Map<number, Located[]>();
  const backupCopies = new IdMap<readonly Located[]>(ids, (i) => [firstCopy.at(i), ...(moreCopies.get(i) ?? [])]);
  const backupAt = new RecordIdMap(ids);
  const failed = new Set<string>();
  const indeterminate = new Set<string>();
  const delivered: Record<ConsumerPhase, PickedEvents<EventOf<'deliver'>>> = { primary: new PickedEvents(events), backup: new PickedEvents(events) };
  const positions: Record<ConsumerPhase, EventOf<'positions'> | null> = { primary: null, backup: null };
  const lastCommit = new Map<string, bigint>();
  const logStarts = new Map<string, { primary: bigint; backup: bigint }>();
  let killAt: number | null = null;
  let backupReadComplete = false;
  let drainComplete = false;

  let position = -1;
  for (const e of events) {
    position += 1;
    switch (e.type) {
      case 'ack': ackedAt.set(acked.enter(e.id).entry, e); break;
      case 'fail': failed.add(e.id); break;
      case 'indeterminate': indeterminate.add(e.id); break;
      case 'deliver': {
        const { entry } = deliveries.enter(e.id);
        counts[e.phase].set(entry, counts[e.phase].get(entry) + 1);
        delivered[e.phase].add(position);
        break;
      }
      case 'backup-record': {
        // A record read twice (the reader re-fetched after a rebalance) is one record: copies
        // are distinct offsets, never read events.
        if (!backupAt.add(tpKey(e.topic, e.partition), e.offset, e.id)) break;
        const { entry, fresh } = backupCopies.enter(e.id);
        if (fresh) firstCopy.set(entry, e);
        else {
          const more = moreCopies.get(entry) ?? [];
          more.push({ topic: e.topic, partition: e.partition, offset: BigInt(e.offset) });
          moreCopies.set(entry, more);
        }
        break;
      }
      case 'positions': positions[e.phase] = e; break;
      case 'commit':
        if (e.phase === 'primary') for (const [tp, o] of Object.entries(e.offsets)) lastCommit.set(tp, BigInt(o));
        break;
      case 'kill': killAt ??= e.t; break;
      case 'sample':
        for (const [tp, [p, b]] of Object.entries(e.starts ?? {})) {
          const was = logStarts.get(tp);
          logStarts.set(tp, { primary: maxKnown(was?.primary, BigInt(p))!, backup: maxKnown(was?.backup, BigInt(b))! });
        }
        break;
      case 'read-complete':
        if (e.what === 'backup') backupReadComplete = e.complete;
        else if (e.what !== 'offset-syncs') drainComplete = e.complete;
        break;
      default: break;
    }
  }

  // The group's commits as the primary itself reported them just before the kill complete the
  // consumer's own record (a commit whose answer was lost at the kill is not in it).
  for (const e of eventsOf(events, 'offsets')) {
    if (e.label !== offsetsLabels.beforeKill.committed || e.cluster !== 'primary') continue;
    for (const [p, o] of Object.entries(e.offsets)) {
      const tp = tpKey(e.topic, p);
      const known = maxKnown(lastCommit.get(tp), BigInt(o) >= 0n ? BigInt(o) : undefined);
      if (known !== undefined) lastCommit.set(tp, known);
    }
  }
  const chosenEvent = eventsOf(events, 'failover-offsets')[0];
  const { failover, workload } = cellSettingsOf(events);
  const delaySeconds = failover?.delaySeconds;
  const autoOffsetReset = failover?.autoOffsetReset === 'latest' ? 'latest' : 'earliest';
  const offsetEvents = eventsOf(events, 'offsets');
  const offsets = (label: string, cluster?: string): ReadonlyMap<string, bigint> => {
    const m = new Map<string, bigint>();
    for (const e of offsetEvents) {
      if (e.label !== label || (cluster !== undefined && e.cluster !== cluster)) continue;
      for (const [p, o] of Object.entries(e.offsets)) m.set(tpKey(e.topic, p), BigInt(o));
    }
    return m;
  };
  const chosenOffsets = new Map(Object.entries(chosenEvent?.offsets ?? {}).map(([tp, o]) => [tp, BigInt(o)]));
  const failoverEnd = offsets(offsetsLabels.failover.end, 'backup');
  const outOfRange = new Set([...chosenOffsets].filter(([tp, o]) => failoverEnd.has(tp) && o > failoverEnd.get(tp)!).map(([tp]) => tp));
  return {
    acked, failed, indeterminate, deliveries, delivered, backupCopies, backupAt, positions, lastCommit,
    chosen: chosenEvent ? { strategy: chosenEvent.strategy, group: chosenEvent.group, offsets: chosenOffsets, outOfRange } : null,
    checkpoints: eventsOf(events, 'checkpoint'),
    groupId: workload?.consumer?.groupId ?? null,
    failoverDelayMs: delaySeconds === undefined ? null : delaySeconds * 1000,
    autoOffsetReset,
    idempotent: workload?.idempotent ?? null,
    killAt,
    firstBackupDelivery: delivered.backup.at(0)?.t ?? null,
    firstBackupOffsets: firstOffsets(delivered.backup),
    backupReadComplete,
    drainComplete,
    logStarts,
    offsets,
  };
}

function firstOffsets(deliveries: Iterable<EventOf<'deliver'>>): Map<string, bigint> {
  const first = new Map<string, bigint>();
  for (const d of deliveries) if (!first.has(tpKey(d.topic, d.partition))) first.set(tpKey(d.topic, d.partition), BigInt(d.offset));
  return first;
}

/**
 * Ids delivered on both clusters where no record was processed twice: the producer wrote the id
 * more than once (a non-idempotent retry) and each backup delivery is a record the primary
 * consumer never processed. An id's records on the primary are its acked offset and the offsets
 * it was delivered at there; its copies on the backup, in offset order, are those records in
 * offset order (MM2 copies a partition in order) — when there are as many of each. Otherwise the
 * backup delivery cannot be told from a re-delivery, and the id is not in the set.
 */
export function producerDuplicates(ix: HistoryIndex): Set<string> {
  const both: string[] = [];
  for (const [id, d] of ix.deliveries) if (d.primary >= 1 && d.backup >= 1) both.push(id);
  const out = new Set<string>();
  if (!both.length) return out;
  // The offsets of the ids delivered on both only: a map of every delivery would hold an entry a message.
  const wanted = new Set(both);
  const at = (phase: ConsumerPhase) => {
    const m = new Map<string, bigint[]>();
    for (const d of ix.delivered[phase]) if (wanted.has(d.id)) m.set(d.id, [...(m.get(d.id) ?? []), BigInt(d.offset)]);
    return m;
  };
  const [primary, backup] = [at('primary'), at('backup')];
  const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  for (const id of both) {
    const acked = ix.acked.get(id);
    const copies = ix.backupCopies.get(id) ?? [];
    const processed = new Set(primary.get(id)!);
    const records = [...new Set([...processed, ...(acked ? [acked.offset] : [])])].sort(ascending);
    const remote = copies.map((c) => c.offset).sort(ascending);
    if (records.length < 2 || remote.length !== records.length || new Set(copies.map((c) => tpKey(c.topic, c.partition))).size !== 1) continue;
    const sources = backup.get(id)!.map((o) => remote.indexOf(o)).map((i) => (i < 0 ? undefined : records[i]));
    if (sources.every((o) => o !== undefined && !processed.has(o))) out.add(id);
  }
  return out;
}

/** An id's lowest backup offset: where a consumer reading the partition would meet it first. */
export const lowestCopy = (copies: readonly Located[]): Located => copies.reduce((a, c) => (c.offset < a.offset ? c : a));

/** The larger of the known values, or undefined when none is known. */
export const maxKnown = (...xs: (bigint | undefined)[]): bigint | undefined =>
  xs.reduce<bigint | undefined>((a, x) => (x === undefined ? a : a === undefined || x > a ? x : a), undefined);

/**
 * Where the consumer stood at the end, per topic/partition of its last phase: the furthest of
 * its own position when it stopped, the offset it resumed from, and its committed offset when
 * the drain stopped. A partition with none of these is absent (unknown). Where the strategy's
 * offset was past the backup's end, the consumer resumed from auto.offset.reset instead: at the
 * backup's end at the failover for `latest`, at the log's start for `earliest` (which tells
 * nothing beyond its own position) — never at the out-of-range offset.
 */
export function finalPositions(ix: HistoryIndex): Map<string, bigint> {
  const failedOver = ix.killAt !== null;
  const phase: ConsumerPhase = failedOver ? 'backup' : 'primary';
  const cluster = failedOver ? 'backup' : 'primary';
  const own = new Map(Object.entries(ix.positions[phase]?.offsets ?? {}).map(([tp, o]) => [tp, BigInt(o)]));
  const committed = ix.offsets(offsetsLabels.drainEnd.committed, cluster);
  const resumed = new Map<string, bigint>();
  if (failedOver && ix.chosen) {
    const end = ix.offsets(offsetsLabels.failover.end, 'backup');
    for (const [tp, o] of ix.chosen.offsets) {
      if (!ix.chosen.outOfRange.has(tp)) resumed.set(tp, o);
      else if (ix.autoOffsetReset === 'latest') resumed.set(tp, end.get(tp)!);
    }
  }
  const out = new Map<string, bigint>();
  for (const tp of new Set([...own.keys(), ...committed.keys(), ...resumed.keys()])) {
    // A committed offset of -1 means "none": it tells nothing.
    const c = committed.get(tp);
    const p = maxKnown(own.get(tp), c !== undefined && c >= 0n ? c : undefined, resumed.get(tp));
    if (p !== undefined) out.set(tp, p);
  }
  return out;
}

/**
 * The round-trip ledger: exact per-message accounting of a playbook cell (core/scenario/playbook.ts),
 * following each id across both clusters, every topic that holds it, and every era of the drill.
 * This docblock is the specification; docs/playbooks.md shows it on a failback.
 *
 * The failover: the kill of the primary; when the playbook kills nothing, a planned switchover's
 * first move of the producers to the backup (none: no failover, every ack is before it).
 *
 * Eras (of an id, by where and when it was acked; the names say "kill" for the failover):
 *  - before-kill:    acked on the primary before the failover;
 *  - backup-local:   acked on the backup before the failover — producers writing on both
 *                    clusters (active-active, a `start-producers` step);
 *  - outage:         acked on the backup after the failover (producers moved there);
 *  - after-failback: acked on the primary once a step sent producers there again after the
 *                    failover (moved or started back); a reply recorded after the kill but
 *                    before that is the before-kill era's (a history without steps: after the failover).
 *
 * Copies: every distinct `topic/partition@offset` holding the id on a cluster, as the final
 * verification read found it (every view of the scenario's topics: the topic itself and the
 * remote topics of the mirrors into that cluster, core/scenario/playbook.ts `viewsOn`).
 *
 * Every ACKED id falls in exactly one consumer class, over the whole round trip (all the
 * consumer's moves together):
 *  - exactlyOnce / duplicated: delivered once / two or more times (`extraDeliveries`: the surplus);
 *  - never delivered, then by its copies on the cluster where the consumer finished (its final
 *    cluster) and the consumer's final position there (its own report, or the group's commit at
 *    the end of the drain, whichever is further):
 *      - lost:      no copy on the final cluster;
 *      - skipped:   a copy the final position passed;
 *      - unreached: copies only at or beyond the final position.
 *
 * The replication view — every acked id absent from the other cluster (where it was not acked)
 * falls in exactly one of `absent`'s figures, and only the first is the failover's RPO:
 *  - failover:    acked on the primary before the failover and never copied to the backup: the
 *                 RPO, the headline `counts.notReplicated`. It needs the backup's read only: a
 *                 primary killed and never restored is not read, and need not be;
 *  - stranded:    acked on the backup during the outage and never copied to the primary — left
 *                 behind when the reverse flow stopped (the cost of a premature cutover, planned
 *                 switchover or not);
 *  - afterFailback: acked on the primary after the failover and never copied to the backup —
 *                 nothing copies forward once the producers are home, by design;
 *  - backupLocal: acked on the backup before the failover (producers on both clusters) and never
 *                 copied to the primary;
 *  - deletedIncarnation: ids of a topic incarnation the playbook deleted (or acked while its
 *                 deletion was under way and not found afterwards) and not on the other cluster
 *                 — removed on purpose, or never copied before the deletion (`incarnations` tells
 *                 which, per incarnation).
 * Beside them:
 *  - resurrected: acked on the primary before the kill, not on the backup when the primary was
 *                 restored (`before-restore-end` offsets), and found on the primary afterwards:
 *                 data the outage hid that comes back. `resurrectedDelivered` of them reached the
 *                 consumer; `vanished` counts those the restored primary did not have either.
 *
 * Each consumer move's gap: from its stop — the kill of the cluster it was on, when that cluster
 * was killed since it got there, else the start of the move — to its first delivery on the new
 * cluster after the move. The failover's gap (`failoverGapMs`, the `failoverGapSeconds`
 * threshold) is the gap of the first move of the consumers to the backup after the kill (of the
 * first move to the backup, when nothing was killed).
 *
 * Topics a playbook recreated or altered (docs/gotchas.md): the same classes and copies per topic
 * incarnation, the head MM2 never copied and the remote partitions' incarnations in offset order
 * (core/checker/incarnation.ts); when each altered property reached the remote copies
 * (core/checker/config-propagation.ts).
 *
 * Honesty: when a cluster's verification read was incomplete, every figure that needs absence
 * on it is 'unknown'; so are `skipped` / `unreached` on a partition whose final position is unknown.
 */
import { isPlaybookCell } from '../history/cell-settings.ts';
import { eachOf, eventsOf, type ConsumerPhase, type EventOf, type HistoryEvents } from '../history/history.ts';
import type { Checker } from './checker.ts';
import { fromList, outcomesExclusive, type Consistency, type ConsistencyCheck } from './consistency.ts';
import { indexHistory, type HistoryIndex } from '../history/history-index.ts';
import type { Count, LedgerCounts, PartitionCounts, Sample } from './ledger.ts';
import { offsetsLabels } from '../history/offsets-labels.ts';
import { recordKey, tpKey } from '../history/topic-partition.ts';
import { configChanges, type ConfigChange } from './config-propagation.ts';
import { headsNotReplicated, incarnationIndex, remoteLayouts, spanKey, type AckedAt, type CopyAt, type IncarnationSpan, type RemoteLayout } from './incarnation.ts';

export const eras = ['before-kill', 'backup-local', 'outage', 'after-failback'] as const;
export type Era = (typeof eras)[number];

/** The primary's kill and the failover's time by the docblock's rule (null: none), and each ack's era. */
export function eraClock(events: HistoryEvents): { killAt: number | null; failoverAt: number | null; eraOf: (a: { readonly cluster?: string | undefined; readonly t: number }) => Era } {
  // The SIGKILL itself (the step first records offsets): acks until then are the primary's before the kill.
  const killAt = eventsOf(events, 'kill').find((e) => e.target === 'primary')?.t ?? null;
  // The failover: the kill, or a planned switchover's first move of the producers to the backup.
  const failoverAt = killAt ?? eventsOf(events, 'step').find((e) => e.state === 'start' && e.action === 'move-producers' && e.target === 'backup')?.t ?? null;
  // Producers write on the primary again only once a step sends them there: an ack recorded after
  // the kill but before that (a reply that reached the client as the broker died) is the old era's.
  // A history without steps (hand-made) has only the failover to go by.
  const steps = eventsOf(events, 'step');
  const home = (at: number) => steps.find((e) => e.state === 'start' && (e.action === 'move-producers' || e.action === 'start-producers') && e.target === 'primary' && e.t >= at)?.t ?? null;
  const homeAt = failoverAt === null ? null : steps.length ? home(failoverAt) : failoverAt;
  return {
    killAt,
    failoverAt,
    eraOf: (a) => {
      if (a.cluster === 'backup') return failoverAt !== null && a.t >= failoverAt ? 'outage' : 'backup-local';
      return homeAt !== null && a.t >= homeAt ? 'after-failback' : 'before-kill';
    },
  };
}

/** The consumer classes of a set of acked ids (the ledger's per-partition shape). */
export type ClassCounts = PartitionCounts;

/** How many ids have 0, 1, 2 or more copies on a cluster ('unknown' when its read was incomplete). */
export type CopyHistogram = { none: number; one: number; two: number; more: number } | 'unknown';

export interface StepTiming {
  index: number;
  label: string;
  action: string;
  state: 'end' | 'failed' | 'running';
  startMs: number;
  endMs: number | null;
  durationMs: number | null;
  detail: string | null;
}

/**
 * A time no producer was writing anywhere: from the step that stopped the last one (a kill of its
 * cluster, a stop, a move) to the end of the move or start that restarted one. With producers on
 * both clusters, a kill of one is not a gap: the other side kept writing.
 */
export interface WriteGap {
  from: string;
  to: string | null;
  startMs: number;
  endMs: number | null;
  durationMs: number | null;
}

/**
 * A move of the consumer group: what its committed offsets on the new cluster were when it moved
 * (translated by MM2's group sync, left from before a kill, or none: -1), and where it really
 * resumed — the first offset it processed on each partition after the move (a group sync can
 * still land while the consumer joins).
 */
export interface ConsumerMove {
  label: string;
  to: string;
  startMs: number;
  committed: Record<string, string>;
  resumedAt: Record<string, string>;
  /** What stopped the consumer: the kill of the cluster it was on, or the move itself. */
  gapFrom: 'kill' | 'move';
  /** From that stop to the first delivery on the new cluster after the move (null: nothing delivered there). */
  gapMs: number | null;
}

/** Acked ids absent from the cluster they were not acked on, one figure each (see the docblock). */
export interface Absences {
  failover: Count;
  stranded: Count;
  afterFailback: Count;
  backupLocal: Count;
  deletedIncarnation: Count;
}

export interface RoundTrip {
  /** The consumer's final cluster (null: the consumer never stopped cleanly). */
  finalCluster: string | null;
  total: ClassCounts & { extraDeliveries: number };
  byEra: Record<Era, ClassCounts>;
  /** Copies per id on each cluster, per era of the id. */
  copies: Record<Era, Record<'primary' | 'backup', CopyHistogram>>;
  stranded: Count;
  /** Every acked id absent from the other cluster, by why; `failover` is the RPO (counts.notReplicated). */
  absent: Absences;
  resurrected: Count;
  resurrectedDelivered: Count;
  vanished: Count;
  samples: { lost: Sample; skipped: Sample; stranded: Sample; resurrected: Sample; duplicated: string[] };
  steps: StepTiming[];
  /** When producers could not write: the failover's gap, the cutover window of the failback. */
  writeGaps: WriteGap[];
  moves: ConsumerMove[];
  /** The consumer's gap at the failover's move (null: no failover move, or nothing delivered after it). */
  failoverGapMs: number | null;
  /** Topics the playbook deleted or recreated, per incarnation (core/checker/incarnation.ts); empty otherwise. */
  incarnations: IncarnationReport[];
  /** Acked ids whose incarnation cannot be told: acked while their topic's deletion was under way, and not found afterwards. */
  incarnationUnknown: number;
  /** The other cluster's partitions holding copies of a recreated topic: incarnations in offset order. */
  layouts: RemoteLayout[];
  /** Each property an `alter-topic` step changed, and when (if ever) its remote copy showed it (core/checker/config-propagation.ts). */
  configChanges: ConfigChange[];
  /**
   * The classic ledger's figures for the whole round trip (tables and thresholds read these). For
   * a playbook: duplicatedBeforeKill = delivered twice before the kill; duplicatedByFailover =
   * delivered on both clusters (a move re-delivered it); duplicatedAfterFailover = the other
   * duplicates; notReplicated = the failover's RPO (`absent.failover`: acked on the primary before
   * the failover, never copied to the backup; the round trip's other absences are in `absent`);
   * replicationDuplicates = ids with several copies on one cluster (each id once, whichever
   * cluster; `replicationExtraCopies` the surplus copies on both); foreignDeliveries = deliveries
   * (not ids) of ids the run never produced, as the classic ledger counts them.
   */
  counts: LedgerCounts;
  /**
   * Cross-checks of a playbook history: every ack is found by the verification read at exactly
   * the offset the broker acknowledged, on the cluster it was written to (an unclean kill that lost
   * it shows here as `vanished`, not as a failure); the consumers' own delivery counts match the
   * history; no id is both acked and failed.
   */
  consistency: Consistency;
}

const SAMPLE = 20;

type Ack = AckedAt;
type Copy = CopyAt;

/** One incarnation of a recreated topic, with the ledger's figures for its ids. */
export interface IncarnationReport extends IncarnationSpan {
  classes: ClassCounts;
  copies: Record<'primary' | 'backup', CopyHistogram>;
  /** Never copied to the other cluster. */
  notReplicated: Count;
  headNotReplicated: Count;
}

type Histogram = { none: number; one: number; two: number; more: number };
const histogram = (): Histogram => ({ none: 0, one: 0, two: 0, more: 0 });
const addCopies = (h: Histogram, k: number) => {
  if (k === 0) h.none += 1;
  else if (k === 1) h.one += 1;
  else if (k === 2) h.two += 1;
  else h.more += 1;
};

const emptyClasses = (): ClassCounts => ({ acked: 0, lost: 0, skipped: 0, unreached: 0, exactlyOnce: 0, duplicated: 0 });
const bump = (c: ClassCounts, k: 'lost' | 'skipped' | 'unreached') => {
  if (c[k] !== 'unknown') c[k] += 1;
};

/** A playbook cell's round trip; null for a classic cell (its timeline has one failover: the ledger's job). */
export const roundTripChecker: Checker<RoundTrip | null> = {
  name: 'round-trip',
  run: ({ events, cellStart, ix, settings }) => (isPlaybookCell(settings) ? roundTripOf(events, cellStart, ix) : null),
};

export function roundTripOf(events: HistoryEvents, cellStart: number, ix: HistoryIndex = indexHistory(events)): RoundTrip {
  const acks = new Map<string, Ack>();
  for (const e of eachOf(events, 'ack')) acks.set(e.id, { cluster: e.cluster ?? 'primary', topic: e.topic, partition: e.partition, offset: BigInt(e.offset), t: e.t });
  const deliveries = new Map<string, number>();
  for (const e of eachOf(events, 'deliver')) deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
  const copies = { primary: new Map<string, Map<string, Copy>>(), backup: new Map<string, Map<string, Copy>>() };
  for (const e of eachOf(events, 'copy')) {
    const byId = copies[e.cluster as 'primary' | 'backup'];
    if (!byId) continue;
    const m = byId.get(e.id) ?? new Map<string, Copy>();
    m.set(recordKey(e.topic, e.partition, e.offset), { topic: e.topic, partition: e.partition, offset: BigInt(e.offset) });
    byId.set(e.id, m);
  }
  const readComplete = {
    primary: eventsOf(events, 'read-complete').some((e) => e.what === 'primary-copies' && e.complete),
    backup: eventsOf(events, 'read-complete').some((e) => e.what === 'backup-copies' && e.complete),
  };
  const drainComplete = eventsOf(events, 'read-complete').some((e) => e.what === 'drain' && e.complete);
  const stepStarts = eventsOf(events, 'step').filter((e) => e.state === 'start');
  const restore = stepStarts.find((e) => e.action === 'restore-cluster');
  const { eraOf, killAt } = eraClock(events);

  // The consumer's final cluster is where the last move sent it, not the phase of the last
  // positions event: a consumer abandoned on a killed cluster reports its positions only when its
  // stop gives up, which can be after the drain on the other cluster ended — or after a move back
  // to that cluster, so the final positions are the furthest reported there since the last move
  // (an abandoned consumer's stand at the kill is behind the final consumer's after its drain).
  const lastMove = stepStarts.filter((e) => e.action === 'move-consumers').at(-1);
  const positions = eventsOf(events, 'positions');
  const finals = lastMove ? positions.filter((e) => e.phase === (lastMove.target as ConsumerPhase) && e.t >= lastMove.t) : positions.slice(-1);
  const finalCluster = finals[0]?.phase ?? null;
  const position = finalPositionOf(ix, finals, drainComplete);

  const total = { ...emptyClasses(), extraDeliveries: 0 };
  const byEra = Object.fromEntries(eras.map((e) => [e, emptyClasses()])) as Record<Era, ClassCounts>;
  const copyHist = Object.fromEntries(eras.map((e) => [e, { primary: histogram(), backup: histogram() }])) as Record<Era, Record<'primary' | 'backup', Histogram>>;
  const incarnations = incarnationIndex(events, acks, copies, cellStart);
  const byIncarnation = new Map(incarnations.spans.map((x) => [spanKey(x.cluster, x.topic, x.incarnation), { classes: emptyClasses(), copies: { primary: histogram(), backup: histogram() }, notReplicated: 0 }]));
  let incarnationUnknown = 0;
  const samples: RoundTrip['samples'] = { lost: [], skipped: [], stranded: [], resurrected: [], duplicated: [] };
  const finalComplete = finalCluster !== null && readComplete[finalCluster];
  if (!finalComplete) for (const c of [total, ...Object.values(byEra), ...[...byIncarnation.values()].map((x) => x.classes)]) Object.assign(c, { lost: 'unknown', skipped: 'unknown', unreached: 'unknown' });
  const restoreEnds = restore ? ix.offsets(offsetsLabels.beforeRestoreEnd) : null;
  const absent = { failover: 0, stranded: 0, afterFailback: 0, backupLocal: 0, deletedIncarnation: 0 };
  // A figure is unknown when one of its ids' other cluster was not read completely (none: 0, known).
  const absentUnknown = new Set<keyof Absences>();
  const deletedSpans = new Set(incarnations.spans.filter((x) => x.deletedMs !== null).map((x) => spanKey(x.cluster, x.topic, x.incarnation)));
  let resurrected = 0;
  let resurrectedDelivered = 0;
  let vanished = 0;

  for (const [id, ack] of acks) {
    const era = eraOf(ack);
    const inc = incarnations.keyOf(id);
    const mine = inc ? byIncarnation.get(inc) : undefined;
    if (incarnations.of(id) === 'unknown') incarnationUnknown += 1;
    const classes = [total, byEra[era], ...(mine ? [mine.classes] : [])];
    for (const c of classes) c.acked += 1;
    const n = deliveries.get(id) ?? 0;
    if (n === 1) for (const c of classes) c.exactlyOnce += 1;
    else if (n > 1) {
      for (const c of classes) c.duplicated += 1;
      total.extraDeliveries += n - 1;
      if (samples.duplicated.length < SAMPLE) samples.duplicated.push(id);
    } else if (finalComplete) {
      const cls = undeliveredClass([...(copies[finalCluster as 'primary' | 'backup'].get(id)?.values() ?? [])], position);
      if (cls === 'unplaced') for (const c of classes) Object.assign(c, { skipped: 'unknown', unreached: 'unknown' });
      else for (const c of classes) bump(c, cls);
      if ((cls === 'lost' || cls === 'skipped') && (samples[cls] as string[]).length < SAMPLE) (samples[cls] as string[]).push(id);
    }
    for (const cluster of ['primary', 'backup'] as const) {
      const k = copies[cluster].get(id)?.size ?? 0;
      addCopies(copyHist[era][cluster], k);
      if (mine) addCopies(mine.copies[cluster], k);
    }
    const otherCluster = ack.cluster === 'backup' ? 'primary' : 'backup';
    const elsewhere = copies[otherCluster].has(id);
    if (mine && !elsewhere) mine.notReplicated += 1;
    const deleted = inc === null ? incarnations.of(id) === 'unknown' : deletedSpans.has(inc);
    const why = deleted ? 'deletedIncarnation' : ({ 'before-kill': 'failover', 'backup-local': 'backupLocal', outage: 'stranded', 'after-failback': 'afterFailback' } as const)[era];
    if (!readComplete[otherCluster]) absentUnknown.add(why);
    else if (!elsewhere) {
      absent[why] += 1;
      if (why === 'stranded' && samples.stranded.length < SAMPLE) (samples.stranded as string[]).push(id);
    }
    if (era === 'before-kill' && restoreEnds) {
      const replicatedBefore = [...(copies.backup.get(id)?.values() ?? [])].some((c) => c.offset < (restoreEnds.get(tpKey(c.topic, c.partition)) ?? 0n));
      if (!replicatedBefore) {
        if (copies.primary.has(id)) {
          resurrected += 1;
          if (n > 0) resurrectedDelivered += 1;
          if (samples.resurrected.length < SAMPLE) (samples.resurrected as string[]).push(id);
        } else vanished += 1;
      }
    }
  }
  const known = (ok: boolean, v: number): Count => (ok ? v : 'unknown');
  const absences = Object.fromEntries(Object.entries(absent).map(([k, v]) => [k, known(!absentUnknown.has(k as keyof Absences), v)])) as unknown as Absences;
  const counts = classicCounts(events, ix, acks, copies, killAt, total, absences.failover);
  const moves = consumerMoves(events, cellStart);
  const failoverMove = moves.find((m) => m.to === 'backup' && (killAt === null || m.startMs >= killAt - cellStart));
  const resurrectedKnown = restore !== undefined && readComplete.primary && readComplete.backup;
  return {
    finalCluster,
    total,
    byEra,
    copies: Object.fromEntries(eras.map((e) => [e, {
      primary: readComplete.primary ? copyHist[e].primary : 'unknown',
      backup: readComplete.backup ? copyHist[e].backup : 'unknown',
    }])) as RoundTrip['copies'],
    stranded: absences.stranded,
    absent: absences,
    resurrected: restore ? known(resurrectedKnown, resurrected) : 0,
    resurrectedDelivered: restore ? known(resurrectedKnown, resurrectedDelivered) : 0,
    vanished: restore ? known(resurrectedKnown, vanished) : 0,
    samples: {
      ...samples,
      lost: finalComplete ? samples.lost : 'unknown',
      skipped: finalComplete ? samples.skipped : 'unknown',
      stranded: absences.stranded === 'unknown' ? 'unknown' : samples.stranded,
      resurrected: resurrectedKnown ? samples.resurrected : 'unknown',
    },
    incarnations: incarnationReports(incarnations.spans, byIncarnation, headsNotReplicated(incarnations, acks, copies, readComplete), readComplete),
    incarnationUnknown,
    layouts: remoteLayouts(incarnations, acks, copies),
    configChanges: configChanges(events, cellStart),
    steps: stepTimings(events, cellStart),
    writeGaps: writeGaps(events, cellStart),
    moves,
    failoverGapMs: failoverMove?.gapMs ?? null,
    counts,
    consistency: consistencyOf(events, ix, acks, copies, readComplete),
  };
}

function incarnationReports(
  spans: readonly IncarnationSpan[], figures: ReadonlyMap<string, { classes: ClassCounts; copies: Record<'primary' | 'backup', Histogram>; notReplicated: number }>,
  heads: ReadonlyMap<string, Count>, readComplete: Record<'primary' | 'backup', boolean>,
): IncarnationReport[] {
  // A topic the workload never wrote (a remote copy deleted in a recovery) has no ids to follow.
  const written = new Set(spans.filter((x) => figures.get(spanKey(x.cluster, x.topic, x.incarnation))!.classes.acked > 0).map((x) => `${x.cluster}/${x.topic}`));
  return spans.filter((x) => written.has(`${x.cluster}/${x.topic}`)).map((span) => {
    const f = figures.get(spanKey(span.cluster, span.topic, span.incarnation))!;
    const otherComplete = readComplete[span.cluster === 'backup' ? 'primary' : 'backup'];
    return {
      ...span, classes: f.classes,
      copies: { primary: readComplete.primary ? f.copies.primary : 'unknown', backup: readComplete.backup ? f.copies.backup : 'unknown' },
      notReplicated: otherComplete ? f.notReplicated : 'unknown',
      headNotReplicated: heads.get(spanKey(span.cluster, span.topic, span.incarnation)) ?? 'unknown',
    };
  });
}

function consistencyOf(
  events: HistoryEvents, ix: HistoryIndex, acks: ReadonlyMap<string, Ack>, copies: Record<'primary' | 'backup', ReadonlyMap<string, ReadonlyMap<string, Copy>>>,
  readComplete: Record<'primary' | 'backup', boolean>,
): Consistency {
  const check = (name: string, problems: string[] | null, ok: string, unknown = ''): ConsistencyCheck =>
    problems === null ? { name, verdict: 'unknown', detail: unknown } : fromList(name, problems, ok);
  const misplaced: string[] = [];
  let located = 0;
  for (const [id, a] of acks) {
    const c = a.cluster as 'primary' | 'backup';
    if (!readComplete[c]) continue;
    const here = copies[c].get(id);
    if (!here) continue; // not found at all: vanished (an unclean kill), counted by the ledger
    located += 1;
    if (!here.has(recordKey(a.topic, a.partition, a.offset))) misplaced.push(`${id} acked at ${recordKey(a.topic, a.partition, a.offset)} on ${c}, found at ${[...here.keys()].join(', ')}`);
  }
  const reports = eventsOf(events, 'positions');
  let delivered = 0;
  for (const _ of eachOf(events, 'deliver')) delivered += 1;
  const counted = reports.reduce((n, r) => n + r.delivered, 0);
  const checks = [
    check('acks-located', readComplete.primary || readComplete.backup ? misplaced : null, `${located} acked ids found at their acked offsets`, 'no cluster was read completely'),
    check('deliveries-counted', counted === delivered ? [] : [`the consumers counted ${counted}, the history holds ${delivered}`], `${delivered} deliveries by ${reports.length} consumer(s)`),
    // The classic check, over the same acks, fails and indeterminate outcomes.
    outcomesExclusive(ix),
  ];
  return { holds: checks.every((c) => c.verdict !== 'fail'), checks };
}

function classicCounts(
  events: HistoryEvents, ix: HistoryIndex, acks: ReadonlyMap<string, Ack>, copies: Record<'primary' | 'backup', ReadonlyMap<string, ReadonlyMap<string, Copy>>>,
  killAt: number | null, total: ClassCounts & { extraDeliveries: number }, notReplicated: Count,
): LedgerCounts {
  const { failed, indeterminate } = ix;
  const per = new Map<string, { before: number; clusters: Set<string>; n: number }>();
  for (const e of eachOf(events, 'deliver')) {
    const d = per.get(e.id) ?? { before: 0, clusters: new Set<string>(), n: 0 };
    d.n += 1;
    d.clusters.add(e.phase);
    if (killAt === null || e.t < killAt) d.before += 1;
    per.set(e.id, d);
  }
  let beforeKill = 0;
  let byMove = 0;
  let after = 0;
  for (const d of per.values()) {
    if (d.n < 2) continue;
    if (d.clusters.size > 1) byMove += 1;
    else if (d.before >= 2) beforeKill += 1;
    else after += 1;
  }
  let replicationDuplicates = 0;
  let replicationExtraCopies = 0;
  for (const id of acks.keys()) {
    const extra = (['primary', 'backup'] as const).map((c) => Math.max(0, (copies[c].get(id)?.size ?? 0) - 1));
    // An id, once, however many clusters hold it several times (the classic ledger counts ids).
    if (extra.some((k) => k > 0)) replicationDuplicates += 1;
    replicationExtraCopies += extra[0]! + extra[1]!;
  }
  const appeared = (ids: ReadonlySet<string>) => [...ids].filter((id) => per.has(id) || copies.primary.has(id) || copies.backup.has(id)).length;
  return {
    acked: total.acked, failed: failed.size, indeterminate: indeterminate.size,
    lost: total.lost, skipped: total.skipped, unreached: total.unreached, exactlyOnce: total.exactlyOnce, duplicated: total.duplicated,
    extraDeliveries: total.extraDeliveries, duplicatedBeforeKill: beforeKill, duplicatedByFailover: byMove, duplicatedAfterFailover: after,
    notReplicated, replicationDuplicates, replicationExtraCopies,
    indeterminateAppeared: appeared(indeterminate), failedAppeared: appeared(failed),
    foreignDeliveries: [...per].filter(([id]) => !acks.has(id) && !failed.has(id) && !indeterminate.has(id)).reduce((sum, [, d]) => sum + d.n, 0),
    deliveredPrimary: ix.delivered.primary.length, deliveredBackup: ix.delivered.backup.length,
  };
}

/**
 * The consumer's final position per partition: its own report when it stopped, or the group's
 * commit at the end of the drain if further. A partition with neither, after a complete drain,
 * had nothing to read (the drain ends only at the end offsets): position 0.
 */
function finalPositionOf(ix: HistoryIndex, finals: readonly EventOf<'positions'>[], drainComplete: boolean): (topic: string, partition: number) => bigint | undefined {
  const pos = new Map<string, bigint>();
  for (const f of finals) for (const [tp, o] of Object.entries(f.offsets)) if (BigInt(o) > (pos.get(tp) ?? -1n)) pos.set(tp, BigInt(o));
  for (const [tp, o] of ix.offsets(offsetsLabels.drainEnd.committed)) if (o > (pos.get(tp) ?? -1n)) pos.set(tp, o);
  return (topic, partition) => pos.get(tpKey(topic, partition)) ?? (drainComplete ? 0n : undefined);
}

function undeliveredClass(copies: readonly Copy[], position: (topic: string, partition: number) => bigint | undefined): 'lost' | 'skipped' | 'unreached' | 'unplaced' {
  if (copies.length === 0) return 'lost';
  let unplaced = false;
  for (const c of copies) {
    const p = position(c.topic, c.partition);
    if (p === undefined) unplaced = true;
    else if (p > c.offset) return 'skipped';
  }
  return unplaced ? 'unplaced' : 'unreached';
}

function consumerMoves(events: HistoryEvents, cellStart: number): ConsumerMove[] {
  const starts = eventsOf(events, 'step').filter((e) => e.action === 'move-consumers' && e.state === 'start');
  const kills = eventsOf(events, 'kill');
  // Gathered only when consumers moved: an object per delivery.
  const deliveries = starts.length ? [...eachOf(events, 'deliver')] : [];
  return starts.map((start, i) => {
    const next = starts[i + 1]?.t ?? Infinity;
    // Where the consumers were: the previous move's target, else where they last delivered (the
    // primary, where they start). A kill of that cluster stopped them before the move did.
    const from = starts[i - 1]?.target ?? deliveries.findLast((d) => d.t < start.t)?.phase ?? 'primary';
    const kill = kills.find((k) => k.target === from && k.t >= (starts[i - 1]?.t ?? -Infinity) && k.t <= start.t);
    const stoppedAt = kill?.t ?? start.t;
    const within = (t: number) => t >= start.t && t < next;
    const committed: Record<string, string> = {};
    const labels: string[] = [offsetsLabels.moveCommitted(start.target ?? ''), offsetsLabels.failover.committed];
    for (const o of eventsOf(events, 'offsets').filter((x) => labels.includes(x.label) && x.cluster === start.target && within(x.t))) {
      for (const [p, off] of Object.entries(o.offsets)) committed[tpKey(o.topic, p)] = off;
    }
    const resumedAt: Record<string, string> = {};
    const after = deliveries.filter((x) => x.phase === start.target && within(x.t));
    for (const d of after) resumedAt[tpKey(d.topic, d.partition)] ??= d.offset;
    return {
      label: start.label, to: start.target ?? '', startMs: start.t - cellStart, committed, resumedAt,
      gapFrom: kill ? 'kill' : 'move', gapMs: after.length ? after[0]!.t - stoppedAt : null,
    };
  });
}

function writeGaps(events: HistoryEvents, cellStart: number): WriteGap[] {
  const gaps: WriteGap[] = [];
  const at = new Set<string>(['primary']); // producers start on the primary
  let open: WriteGap | null = null;
  for (const e of eventsOf(events, 'step')) {
    const writing = at.size > 0;
    if (e.state === 'start') {
      if (e.action === 'kill-cluster' && e.target) at.delete(e.target);
      if (e.action === 'stop-producers') at.clear();
      // A move stops the producers elsewhere; those already writing on its target go on.
      if (e.action === 'move-producers') for (const c of [...at]) if (c !== e.target) at.delete(c);
      if (writing && at.size === 0) gaps.push((open = { from: e.label, to: null, startMs: e.t - cellStart, endMs: null, durationMs: null }));
    }
    if ((e.action === 'move-producers' || e.action === 'start-producers') && e.state === 'end' && e.target) {
      at.add(e.target);
      if (open) Object.assign(open, { to: e.label, endMs: e.t - cellStart, durationMs: e.t - cellStart - open.startMs });
      open = null;
    }
  }
  return gaps.filter((g) => g.endMs !== null); // producers stopped for good are not a gap

}

function stepTimings(events: HistoryEvents, cellStart: number): StepTiming[] {
  const out = new Map<number, StepTiming>();
  for (const e of eventsOf(events, 'step')) {
    if (e.state === 'start') {
      out.set(e.index, { index: e.index, label: e.label, action: e.action, state: 'running', startMs: e.t - cellStart, endMs: null, durationMs: null, detail: e.detail ?? null });
      continue;
    }
    const s = out.get(e.index);
    if (!s) continue;
    Object.assign(s, { state: e.state, endMs: e.t - cellStart, durationMs: e.t - cellStart - s.startMs, detail: e.detail ?? s.detail });
  }
  return [...out.values()].sort((a, b) => a.index - b.index);
}

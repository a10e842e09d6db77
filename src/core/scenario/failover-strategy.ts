/**
 * The failover strategies — how a consumer group resumes when it moves to the other cluster —
 * as one table: per strategy, the group it resumes as, whether it reads MM2's checkpoints,
 * whether it can move back to the primary, the cause of each duplicate and skip it makes
 * (defined in attribution.ts's docblock) and the terms of its expected bound (the translation
 * model they come from is expected-bound.ts's).
 *
 * The scenario's `failover.strategy` and a `move-consumers` step's `strategy` accept exactly the
 * table's keys, and every reader of a trait reads it here, typed by `Strategy`. Adding a strategy
 * is one entry here and its offsets chooser in run/failover.ts (the part that talks to Kafka, a
 * `Record<Strategy, …>` there): the compiler demands both. (A strategy that `movesBack` also
 * needs its offsets on the primary in run/playbook/playbook-steps.ts, which knows the three that do.)
 *
 * Pure: no I/O. It imports only the causes' catalogue and the clusters' names, so any layer may
 * import it (the scenario schema does).
 */
import type { Cause } from './failover-causes.ts';
import type { ClusterName } from '../kafka/network-layout.ts';

/** What attribution knows of one id the failover duplicated: source offsets, "next offset" convention. */
export interface DuplicateFacts {
  /** o: the id's offset on its source partition. */
  readonly offset: bigint;
  /** C: the primary consumer's last commit on that partition before the kill (undefined: none). */
  readonly lastCommit: bigint | undefined;
  /** U: the upstream offset of the newest checkpoint translating to the resume offset (undefined: none was read). */
  readonly upstream: () => bigint | undefined;
}

/** The terms a strategy's bound is made of, computed by expected-bound.ts from the scenario, MM2's release and the cell. */
export interface BoundTerms {
  readonly acked: number;
  /** Messages per cell for `seconds` of production on every partition (plus `extra` per partition). */
  readonly cell: (seconds: number, extra?: number) => number;
  /** The production rate in words, for the reasoning. */
  readonly rate: string;
  /** Seconds of the consumer's commit window. */
  readonly commit: number;
  readonly checkpointSeconds: number;
  readonly groupSyncSeconds: number;
  /** Translation slack per partition, in messages. */
  readonly slack: number;
  /** auto.offset.reset is latest: a partition without a checkpoint resumes at the end (skips). */
  readonly noCheckpointFallback: boolean;
  readonly timestampMarginMs: number;
  /** Partitions where the strategy's offset was past the backup's end at the failover. */
  readonly outOfRange: number;
  /** Messages the backup lacked at the last sample before the kill (null or absent: unknown). */
  readonly replicationLagAtKill?: number | null | undefined;
  /** Seconds between two replication samples: production the last sample before the kill may have missed. */
  readonly sampleSeconds: number;
}

/** A strategy's bound: each cause's own maximum, the total when tighter than their sum, whether it can skip, and why. */
export interface StrategyBound {
  readonly parts: Partial<Record<Cause, number>>;
  readonly skipsPossible: boolean;
  readonly reasoning: string;
  readonly total?: number;
}

export interface StrategyTraits {
  /**
   * Resumes as the group itself, whose offsets MM2's group sync writes on the target (KIP-545) —
   * and may keep writing while the consumer joins. Otherwise it resumes as a group of its own,
   * named after the strategy, that MM2 never syncs (it only syncs groups it saw on the source),
   * so MM2 cannot overwrite the chosen offsets.
   */
  readonly syncedGroup: boolean;
  /** Resumes from offsets MM2's checkpoints translated (its group sync or the checkpoints themselves). */
  readonly usesCheckpoints: boolean;
  /** Can move the group back to the primary: the others read the forward flow's checkpoints and offsets. */
  readonly movesBack: boolean;
  /** The cause of a duplicate, once attribution ruled out a partition without an offset (offset-reset). */
  readonly duplicateCause: (f: DuplicateFacts) => Cause;
  /** The cause of a skip outside the consumer's range, committed on the primary, or reset: the strategy's own. */
  readonly skipCause: Cause;
  readonly bound: (t: BoundTerms) => StrategyBound;
}

/** mm2-sync and checkpoints: a duplicate below the commit came after the last checkpoint (sync lag) or from translation. */
const translatedDuplicate = ({ offset: o, lastCommit: c, upstream }: DuplicateFacts): Cause => {
  if (c === undefined || o >= c) return 'commit-lag';
  const u = upstream();
  if (u === undefined) return 'sync-or-translation';
  return o >= u ? 'sync-lag' : 'translation-slack';
};

export const strategies = {
  /** The same group, from the offsets MM2's group sync wrote into the target (KIP-545). */
  'mm2-sync': {
    syncedGroup: true, usesCheckpoints: true, movesBack: true,
    duplicateCause: translatedDuplicate, skipCause: 'translation-ahead',
    bound: (t) => {
      const sync = t.checkpointSeconds + t.groupSyncSeconds;
      return {
        parts: { 'commit-lag': t.cell(t.commit), 'sync-lag': t.cell(sync + t.commit), 'translation-slack': t.cell(0, t.slack) },
        skipsPossible: t.noCheckpointFallback,
        reasoning: `${t.rate} × (commit ${t.commit}s + checkpoint ${t.checkpointSeconds}s + group sync ${t.groupSyncSeconds}s) + translation slack ${t.slack} per partition`,
        total: t.cell(t.commit + sync, t.slack),
      };
    },
  },
  /** Offsets translated from MM2's checkpoints topic, decoded by the harness (what RemoteClusterUtils.translateOffsets answers). */
  checkpoints: {
    syncedGroup: false, usesCheckpoints: true, movesBack: false,
    duplicateCause: translatedDuplicate, skipCause: 'translation-ahead',
    bound: (t) => ({
      parts: { 'commit-lag': t.cell(t.commit), 'sync-lag': t.cell(t.checkpointSeconds + t.commit), 'translation-slack': t.cell(0, t.slack) },
      skipsPossible: t.noCheckpointFallback,
      reasoning: `${t.rate} × (commit ${t.commit}s + checkpoint ${t.checkpointSeconds}s) + translation slack ${t.slack} per partition`,
      total: t.cell(t.commit + t.checkpointSeconds, t.slack),
    }),
  },
  /** The primary's committed offset numbers applied unchanged (no translation). */
  'raw-copy': {
    syncedGroup: false, usesCheckpoints: false, movesBack: false,
    duplicateCause: ({ offset: o, lastCommit: c }) => (c === undefined || o >= c ? 'commit-lag' : 'copy-lag'),
    skipCause: 'untranslated-offset',
    bound: (t) => {
      // The only strategy that can point past the backup's end (when the backup trails the group's
      // commits): Kafka then resets the consumer by auto.offset.reset — earliest: everything again.
      const reset = t.outOfRange;
      const resetPart = reset > 0 && !t.noCheckpointFallback ? { 'offset-reset': t.acked } : {};
      return {
        parts: { 'commit-lag': t.cell(t.commit, 1), ...resetPart },
        skipsPossible: true,
        reasoning: `untranslated offsets are only right while the remote topic's offsets equal the source's (true for a fresh drill topic; false after retention, compaction, transactions or an MM2 restart from an older position); ${t.rate} × commit ${t.commit}s${reset > 0 ? `; ${reset} partition(s) were committed past the backup's end at the failover: out of range, reset by auto.offset.reset` : ''}`,
      };
    },
  },
  /** Seek by time to the last processed message's timestamp minus `timestampMarginMs`. */
  timestamp: {
    syncedGroup: false, usesCheckpoints: false, movesBack: false,
    duplicateCause: () => 'timestamp-margin', skipCause: 'timestamp-ahead',
    bound: (t) => ({
      parts: { 'timestamp-margin': t.cell(t.timestampMarginMs / 1000 + t.commit, 1) },
      skipsPossible: true,
      reasoning: `${t.rate} × (margin ${t.timestampMarginMs / 1000}s + commit ${t.commit}s); skips if timestamps run backwards by more than the margin`,
    }),
  },
  /** No offsets: the target's earliest (the auto.offset.reset fallback), a baseline. It cannot skip: any skip is unexplained. */
  earliest: {
    syncedGroup: false, usesCheckpoints: false, movesBack: true,
    duplicateCause: () => 'resumed-at-earliest', skipCause: 'unexplained',
    bound: (t) => ({ parts: { 'resumed-at-earliest': t.acked }, skipsPossible: false, reasoning: 'everything is delivered again' }),
  },
  /** No offsets: the target's end (the auto.offset.reset fallback), a baseline. */
  latest: {
    syncedGroup: false, usesCheckpoints: false, movesBack: true,
    // It resumes at the backup's end at its look-up: any record delivered there arrived after it.
    duplicateCause: () => 'copied-after-lookup', skipCause: 'resumed-at-latest',
    bound: (t) => {
      // MM2 may still write what it had not copied at the kill after the end offsets were looked
      // up (no failover delay, latency on its link): the consumer then reads records the primary
      // consumer had processed.
      const lag = t.replicationLagAtKill;
      const late = lag === undefined || lag === null ? t.acked : lag + t.cell(t.sampleSeconds);
      return {
        parts: { 'copied-after-lookup': late },
        skipsPossible: true,
        reasoning: `everything not yet processed at the kill is skipped; re-delivered only what MM2 copied after the end offsets were looked up: ${lag === undefined || lag === null ? `unknown replication lag, up to all ${t.acked} messages` : `the replication lag at the kill ${lag} + ${t.rate} × the ${t.sampleSeconds}s since the last sample`}`,
      };
    },
  },
} satisfies Record<string, StrategyTraits>;

export type Strategy = keyof typeof strategies;

/** The strategies' names in the table's order (the scenario schema's enum). */
export const strategyNames = Object.keys(strategies) as Strategy[];

/** Whether a recorded name (a history's `failover-offsets`) is a strategy of the table. */
export const isStrategy = (name: string): name is Strategy => Object.hasOwn(strategies, name);

/** A strategy's traits by a recorded name; undefined for a name no entry has. */
export const traitsOf = (name: string): StrategyTraits | undefined => (isStrategy(name) ? strategies[name] : undefined);

/** Whether a (recorded) strategy resumes from offsets MM2's checkpoints translated. */
export const usesCheckpoints = (name: string): boolean => traitsOf(name)?.usesCheckpoints ?? false;

/** The strategies that can move a group back to the primary. */
export const moveBackStrategies: readonly Strategy[] = strategyNames.filter((s) => strategies[s].movesBack);

/**
 * The group a moved consumer resumes as. The failover's own groups are `<groupId>-<strategy>`
 * (scenario.ts documents them); a move back to the primary names the cluster too, so it never
 * takes over a group an earlier move left.
 */
export function movedGroup(strategy: Strategy, groupId: string, to: ClusterName): string {
  if (strategies[strategy].syncedGroup) return groupId;
  return to === 'backup' ? `${groupId}-${strategy}` : `${groupId}-${to}-${strategy}`;
}

/**
 * The labels of the history's `offsets` events (core/history/history.ts): offsets the drill looked up on a
 * cluster at a moment the checkers need. One home for the writers (src/run, the verification
 * reader) and the readers (history index, consistency checks, round trip), so that a label
 * written is a label read. The strings are those of the run directories already on disk.
 */
/** A look-up of both kinds: the end offsets and the consumer groups' committed offsets. */
export interface OffsetsSnapshot {
  readonly end: string;
  readonly committed: string;
}

export const offsetsLabels = {
  /** Every live cluster just before a `kill-cluster` step killed one. */
  beforeKill: { end: 'before-kill-end', committed: 'before-kill-committed' },
  /** Where a consumer lane's drain stopped (its cluster). */
  drainEnd: { end: 'drain-end', committed: 'drain-end-committed' },
  /** The backup at the classic failover: the group's committed offsets there, and its end. */
  failover: { end: 'failover-end', committed: 'failover-committed' },
  /** The topic's end just before a `delete-topic` step deleted it. */
  beforeDeleteEnd: 'before-delete-end',
  /** The other cluster's end just before a `restore-cluster` step restarted a killed one. */
  beforeRestoreEnd: 'before-restore-end',
  /** The end offsets the verification read read up to. */
  verifyEnd: 'verify-end',
  /** A lane's group's committed offsets on the cluster a `move-consumers` step moved it to. */
  moveCommitted: (to: string) => `move-${to}-committed`,
  /** The group's committed offsets after a `reset-group` step reset them. */
  resetCommitted: (cluster: string) => `reset-${cluster}-committed`,
  /** The offsets a `reset-mirror-offsets` step seeded for a mirror. */
  seed: (mirror: string) => `seed-${mirror}`,
  /** A stopped mirror's source end, and how far it had copied. */
  stoppedSourceEnd: (mirror: string) => `stopped-${mirror}-source-end`,
  stoppedCopied: (mirror: string) => `stopped-${mirror}-copied`,
} as const satisfies Record<string, string | OffsetsSnapshot | ((x: never) => string)>;

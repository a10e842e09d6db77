/**
 * The causes of the failover's duplicates and skips, with the words reports give them. Their
 * definitions, in offsets, are attribution.ts's docblock; the strategy table
 * (failover-strategy.ts) names which of them each strategy makes.
 *
 * A leaf: it imports nothing, so the strategy table and attribution can both depend on it.
 */
export const causes = {
  'commit-lag': 'consumer commit lag: processed on the primary, not yet committed at the kill',
  'sync-lag': 'group-sync lag: committed after the checkpoint MM2 last synced to the backup',
  'translation-slack': "translation slack: between the synced checkpoint's upstream offset and the translated offset",
  'sync-or-translation': 'group-sync lag or translation slack (no checkpoint for the resume offset was read)',
  'copy-lag': 'copy lag: committed on the primary after the offsets were copied',
  'untranslated-offset': 'untranslated offset: the copied offset number does not point at the same record on the backup',
  'timestamp-margin': "timestamp margin: within the seek's margin before the last processed message",
  'resumed-at-earliest': 'resumed at the earliest offset: everything is read again',
  'copied-after-lookup': 'MM2 delivery lag: copied to the backup after the end offsets were looked up, already processed on the primary',
  'offset-reset': "no offset for the partition, or one past the backup's end: auto.offset.reset applied",
  'translation-ahead': 'translation ahead of the commit: resumed past messages the group had not committed',
  'committed-unseen': 'committed on the primary without the consumer delivering it',
  'timestamp-ahead': 'the seek by time landed after it',
  'resumed-at-latest': 'resumed at the latest offset: everything unprocessed at the kill',
  'consumer-gap': 'inside the range the consumer read, never delivered (client or harness fault)',
  unexplained: 'fits no rule (a harness bug if not 0)',
} as const;
export type Cause = keyof typeof causes;

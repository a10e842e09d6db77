import { describe, expect, it } from 'vitest';
import { offsetsLabels } from '../../src/core/history/offsets-labels.ts';

describe('the offsets labels', () => {
  it('are the strings run directories already hold, so that older histories read the same', () => {
    expect(offsetsLabels.beforeKill).toEqual({ end: 'before-kill-end', committed: 'before-kill-committed' });
    expect(offsetsLabels.drainEnd).toEqual({ end: 'drain-end', committed: 'drain-end-committed' });
    expect(offsetsLabels.failover).toEqual({ end: 'failover-end', committed: 'failover-committed' });
    expect([offsetsLabels.beforeDeleteEnd, offsetsLabels.beforeRestoreEnd, offsetsLabels.verifyEnd]).toEqual(['before-delete-end', 'before-restore-end', 'verify-end']);
    expect([offsetsLabels.moveCommitted('backup'), offsetsLabels.resetCommitted('primary')]).toEqual(['move-backup-committed', 'reset-primary-committed']);
    expect([offsetsLabels.seed('reverse'), offsetsLabels.stoppedSourceEnd('reverse'), offsetsLabels.stoppedCopied('reverse')])
      .toEqual(['seed-reverse', 'stopped-reverse-source-end', 'stopped-reverse-copied']);
  });

  it('name every look-up apart', () => {
    const all = Object.values(offsetsLabels).flatMap((l) => (typeof l === 'function' ? (['primary', 'backup', 'forward', 'reverse'] as const).map((x) => l(x)) : typeof l === 'string' ? [l] : [l.end, l.committed]));
    expect(new Set(all).size).toBe(all.length);
  });
});

/**
 * A cell's MirrorMaker 2 release in a few words, before it runs (`mm2-drill list`): the known
 * defects of its offset translation that a failover can meet (core/kafka/kafka-release.ts), and
 * whether its model allows skips with the cell's workload — so the prediction is on record
 * before the measurement confirms or refutes it.
 */
import { mirrorRelease, translationModel } from '../core/kafka/kafka-release.ts';
import { sourceHasGaps } from '../core/checker/expected-bound.ts';
import { usesCheckpoints } from '../core/scenario/failover-strategy.ts';
import type { Scenario } from '../core/scenario/scenario.ts';

export function releaseText(s: Scenario): string {
  const m = translationModel(mirrorRelease(s));
  if (m.issues.length === 0) return '';
  const skips = usesCheckpoints(s.failover.strategy) && m.extrapolates && sourceHasGaps(s) ? '; its translation may skip with this workload' : '';
  return `MM2 ${m.release}: ${m.issues.map((i) => i.jira).join(', ')}${skips}`;
}

/**
 * Fan-out beyond one machine, the way Playwright shards: `run --shard 2/4` runs a deterministic
 * quarter of a run's environments, and `merge` combines the shards' results into one run
 * (core/results/merge-shards.ts).
 *
 * A shard is a set of environments (core/plan/pairing.ts `RunUnit`), never half of one: paired
 * variants stay together. Environments are dealt round-robin in plan order, so each shard gets
 * every group of variants' repetitions spread evenly, and the same scenario, options and tool
 * version always deal the same cards — what lets N independent CI jobs split one run.
 */
import { DrillError } from '../errors.ts';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

/** `2/4` → { index: 2, total: 4 }; anything else is a usage error that says what is expected. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || index < 1 || index > total) {
    throw new DrillError('USAGE', `--shard ${text}: expected k/n with 1 ≤ k ≤ n, e.g. --shard 2/4`);
  }
  return { index, total };
}

/** The shard's share of a plan: every `total`-th item, starting at `index`. */
export const shardOf = <T>(plan: readonly T[], shard: Shard): T[] => plan.filter((_, i) => i % shard.total === shard.index - 1);

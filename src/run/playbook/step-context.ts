/**
 * What the playbook's step actions are given and what they are (run/playbook/playbook-steps.ts,
 * run/playbook/topic-steps.ts), types only. Apart from the actions so that the files that define them
 * import their types from here, not from each other, and the run layer keeps no import cycle.
 */
import type { Cluster, PlaybookStep } from '../../core/scenario/playbook.ts';
import type { Heal, NemesisTargets } from '../../adapters/containers/nemesis.ts';
import type { DrillContext, Lane } from '../cell-context.ts';
import type { ConfigWatch } from './config-watch.ts';
import type { MirrorControl } from './mirror-control.ts';
import type { Workload } from '../workload.ts';
import type { Stillness } from '../still-ends.ts';

export interface StepDeps {
  readonly d: DrillContext;
  readonly workload: Workload;
  readonly mirrors: MirrorControl;
  readonly configs: ConfigWatch;
  /** Clusters killed and not restored. */
  readonly killed: Set<Cluster>;
  /** Called before a cluster is killed: the lag sampler stops before the primary's kill (as the classic drill's did); the offset syncs on it are read to their end. */
  readonly beforeKill: (cluster: Cluster) => Promise<void>;
  /** What was seen of a side's end offsets on `cluster` before its drain (run/still-ends.ts). */
  readonly seenEnds: (side: number, cluster: Cluster) => Stillness | undefined;
  /** Heals what must not last into a drain (the faults without a duration). */
  readonly beforeDrain: () => Promise<void>;
  /** A fault step's heal, run before the drain (no duration) or after its duration. */
  readonly addHeal: (heal: NonNullable<Heal>, what: string, afterMs: number | null) => void;
  readonly faultTargets: () => NemesisTargets;
  readonly throwIfInterrupted: (where: string) => void;
}

/** The step of one action. */
export type StepOf<A extends PlaybookStep['action']> = Extract<PlaybookStep, { action: A }>;
type Action<A extends PlaybookStep['action']> = (step: StepOf<A>, index: number, lane: Lane) => Promise<string | void>;
export type StepActions = { [A in PlaybookStep['action']]: Action<A> };

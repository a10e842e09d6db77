/**
 * The faults a running drill must heal, and what went wrong healing them: the timeline's (it heals
 * its own, run/timeline.ts) and the playbook's fault steps' — one without a duration is healed
 * before the drain, one with a duration when it is over (a supervised background task).
 *
 * They are healed at three moments, each its own method: `beforeDrain()` (once, by the first lane
 * to drain), `healAll()` (after the steps, reporting problems), and on the way out, however the
 * drill ended, `healTimeline()` before the clients stop, then `[Symbol.asyncDispose]()` beside
 * them: these report nothing (a drill that got there has its result, or its error already).
 */
import type { Heal } from '../../adapters/containers/nemesis.ts';
import { sleep } from '../../adapters/wait.ts';
import type { Supervisor } from '../supervisor.ts';
import type { RunningTimeline } from '../timeline.ts';

export class Heals implements AsyncDisposable {
  private readonly sup: Supervisor;
  private timeline: RunningTimeline | undefined;
  /** The playbook's faults without a duration. */
  private readonly undated: { heal: NonNullable<Heal>; what: string }[] = [];
  /** The playbook's faults with a duration, each healing when it is over. */
  private readonly timed: Promise<unknown>[] = [];
  private readonly failures: string[] = [];
  private drained: Promise<void> | undefined;

  constructor(sup: Supervisor) {
    this.sup = sup;
  }

  /** The timeline whose faults are healed with the playbook's. */
  track(timeline: RunningTimeline): RunningTimeline {
    this.timeline = timeline;
    return timeline;
  }

  /** A fault step's heal: kept for the drain (`afterMs` null), or run after `afterMs`. */
  add(heal: NonNullable<Heal>, what: string, afterMs: number | null): void {
    if (afterMs === null) this.undated.push({ heal, what });
    else this.timed.push(this.sup.watch(sleep(afterMs, this.sup.signal).then(heal), `healing ${what}`));
  }

  /**
   * A fault still on during the drain would leave messages the consumer never had the chance to
   * read: the faults without a duration are healed first. Once for all lanes: the first to drain heals.
   */
  beforeDrain(): Promise<void> {
    return (this.drained ??= (async () => {
      this.failures.push(...((await this.timeline?.healUndated()) ?? []), ...(await this.healUndated()));
    })());
  }

  /** After the steps: every fault still on is healed (the timeline's steps not yet started are cancelled), timed heals awaited. */
  async healAll(): Promise<void> {
    this.failures.push(...((await this.timeline?.healAll()) ?? []), ...(await this.healUndated()));
    await Promise.allSettled(this.timed.splice(0));
  }

  /** The timeline's faults that could not be injected, then every heal that failed. */
  get problems(): string[] {
    return [...(this.timeline?.errors ?? []), ...this.failures];
  }

  /** On the way out: the timeline's faults first, before the clients stop (problems are not reported). */
  async healTimeline(): Promise<void> {
    await this.timeline?.healAll().catch(() => undefined);
  }

  /** On the way out: the playbook's faults still on, then the timed heals awaited (problems are not reported). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.healUndated();
    await Promise.allSettled(this.timed);
  }

  private async healUndated(): Promise<string[]> {
    const problems: string[] = [];
    for (const h of this.undated.splice(0)) await h.heal().catch((e: unknown) => problems.push(`healing ${h.what} failed: ${e instanceof Error ? e.message : String(e)}`));
    return problems;
  }
}

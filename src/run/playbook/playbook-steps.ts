/**
 * What each playbook step does (core/scenario/playbook.ts lists them). Each action returns a detail line
 * for the history and the terminal; it throws when it cannot complete. The consumer steps
 * (`CONSUMER_STEPS`) act on one lane — one variant's consumer group — and the runner runs them
 * for every lane; every other step acts once, on what the lanes share.
 */
import type { PlaybookStep, Cluster } from '../../core/scenario/playbook.ts';
import { remoteTopicOf, stepLabel } from '../../core/scenario/playbook.ts';
import { offsetsLabels, type OffsetsSnapshot } from '../../core/history/offsets-labels.ts';
import { tpKey } from '../../core/history/topic-partition.ts';
import { movedGroup } from '../../core/scenario/failover-strategy.ts';
import { commitGroupOffsets, committedOffsets, endOffsets, logEdge } from '../../adapters/clients/kafka-client.ts';
import type { TopicOffsets } from 'kafkajs';
import { invokeFault } from '../../adapters/containers/nemesis.ts';
import { drain } from '../drain.ts';
import { failover } from '../failover.ts';
import type { StepActions, StepDeps } from './step-context.ts';
import type { DrillSide, Lane } from '../cell-context.ts';
import type { CellRecorder } from '../../adapters/recorder.ts';
import { topicActions } from './topic-steps.ts';
import { waitUntil } from '../../adapters/wait.ts';
import { DrillError } from '../../core/errors.ts';
import { describeLag, lagBelow } from '../../adapters/clients/mirror-offsets.ts';
import { createAcls } from '../../adapters/clients/acl-admin.ts';
import { securityAcls } from '../../core/scenario/security.ts';

/**
 * A wait that a deadline may end (`onTimeout: 'continue'`): when its timeout passes first, the
 * step ends with what it still waited for instead of failing the cell — a planned failover's
 * cutoff goes on without what MM2 had not done yet.
 */
async function withDeadline(step: { readonly timeoutSeconds: number; readonly onTimeout: 'fail' | 'continue' }, wait: () => Promise<string>, left: () => Promise<string>): Promise<string> {
  try {
    return await wait();
  } catch (e) {
    if (step.onTimeout !== 'continue' || !(e instanceof DrillError) || e.code !== 'WAIT_TIMEOUT') throw e;
    return `cut off after ${step.timeoutSeconds} s: ${await left().catch((x: unknown) => `unknown (${x instanceof Error ? x.message : String(x)})`)}`;
  }
}

/** The steps that move or drain a consumer group: run once per lane, each lane after its own `when`. */
export const CONSUMER_STEPS: ReadonlySet<PlaybookStep['action']> = new Set(['move-consumers', 'drain-consumers']);

export function stepActions(x: StepDeps): StepActions {
  const { d, workload, mirrors } = x;
  const s = d.ctx.cell.scenario;
  const groupId = s.workload.consumer.groupId;
  const topics = s.topics.map((t) => t.name);

  /**
   * End offsets and each lane's group's committed offsets on every live cluster (a failed look-up
   * is left out: the step must happen on time): the primary's in every lane's history, a backup's
   * in its own side's only.
   */
  const snapshot = async (labels: OffsetsSnapshot) => {
    const take = async (side: DrillSide, rec: CellRecorder, lanes: readonly Lane[], c: Cluster, t: string) => {
      const admin = side.admins.get(c);
      const [end, ...committed] = await Promise.allSettled([endOffsets(admin, t), ...lanes.map((l) => committedOffsets(admin, l.groupId, t))]);
      if (end.status === 'fulfilled') rec.emit({ type: 'offsets', label: labels.end, cluster: c, topic: t, offsets: end.value });
      for (const [i, r] of committed.entries()) if (r.status === 'fulfilled') lanes[i]!.rec.emit({ type: 'offsets', label: labels.committed, cluster: c, topic: t, offsets: r.value });
    };
    const live = (['primary', 'backup'] as const).filter((c) => !x.killed.has(c));
    const reads = await Promise.all(live.flatMap((c) => (c === 'primary' ? [{ side: d.sides[0]!, rec: d.rec, lanes: d.lanes }] : d.sides.map((side) => ({ side, rec: side.rec, lanes: side.lanes })))
      .map(async (r) => (await r.side.views(c)).map((t) => () => take(r.side, r.rec, r.lanes, c, t)))));
    await Promise.all(reads.flat().map((read) => read()));
  };

  /** Whether the drill killed the mirror's source and has not restored it. */
  const sourceKilled = (mirror: string): boolean => x.killed.has(s.mirrors[mirror]!.source);

  return {
    'kill-cluster': async (step) => {
      await x.beforeKill(step.cluster);
      await snapshot(offsetsLabels.beforeKill);
      const how = await d.env[step.cluster].kill();
      x.killed.add(step.cluster);
      const killed = d.rec.emit({ type: 'kill', target: step.cluster, signal: how });
      if (step.cluster === 'primary') d.phase('kill', killed.t);
      const there = d.lanes.filter((l) => l.consumerOn?.cluster === step.cluster);
      const delivered = there.map((l) => l.consumerOn!.run.delivered());
      await workload.stopProducing({ abandon: true, only: step.cluster });
      for (const l of there) await l.stopConsuming(true);
      return `acked ${workload.acked()} so far; consumed ${delivered.join(', ') || 0} on ${step.cluster}${d.lanes.length > 1 ? ` (${there.length} group(s))` : ''}`;
    },
    'restore-cluster': async (step) => {
      // The clients abandoned at the kill must be gone before their cluster answers again.
      await Promise.all([workload.settle(), workload.closed(), ...d.lanes.flatMap((l) => [l.settle(), l.closed()])]);
      // What the other cluster held just before: the ledger tells resurrected data from replicated data.
      const other: Cluster = step.cluster === 'primary' ? 'backup' : 'primary';
      for (const t of await d.views(other)) d.rec.emit({ type: 'offsets', label: offsetsLabels.beforeRestoreEnd, cluster: other, topic: t, offsets: await endOffsets(d.admins.get(other), t) });
      await d.env[step.cluster].restore();
      x.killed.delete(step.cluster);
      await d.admins.renew(step.cluster);
    },
    'check-health': async (step) => {
      const admin = d.admins.get(step.cluster);
      const brokers = d.env[step.cluster].nodes;
      return waitUntil(async () => {
        const c = await admin.describeCluster();
        if (c.brokers.length < brokers || c.controller === null) return false;
        const meta = await admin.fetchTopicMetadata();
        const under = meta.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length || p.leader < 0).map((p) => tpKey(t.name, p.partitionId)));
        return under.length === 0 && `${c.brokers.length} broker(s), controller ${c.controller}, ${meta.topics.length} topic(s), no under-replicated partition`;
      }, { what: `cluster ${step.cluster} to be healthy (every broker, a controller, no under-replicated partition)`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 1000, signal: d.sup.signal });
    },
    'start-mirror': async (step) => mirrors.start(step.mirror),
    'stop-mirror': async (step) => mirrors.stop(step.mirror, sourceKilled(step.mirror)),
    'restart-mirror': async (step) => `${await mirrors.stop(step.mirror, sourceKilled(step.mirror))}; ${await mirrors.start(step.mirror)}`,
    'move-consumers': async (step, index, lane) => {
      const from = lane.consumerOn?.cluster;
      await x.configs.snapshot(`at ${stepLabel(step, index)}`);
      await lane.stopConsuming();
      const side = d.sides[lane.side]!;
      const on = await side.views(step.to);
      if (step.to === 'backup') {
        // Across the forward flow, to the lane's own backup: any failover strategy (run/failover.ts).
        const run = await failover({ ctx: lane.ctx, env: side.env, rec: lane.rec, phase: lane.phase, backupAdmin: side.admins.get('backup'), strategy: step.strategy, topics: on, handOver: () => lane.handOver() });
        lane.adoptConsumer('backup', run);
        return `group ${run.groupId}${from ? ` from ${from}` : ''} on ${on.join(', ')} (${step.strategy})`;
      }
      const group = movedGroup(step.strategy, lane.groupId, step.to);
      const admin = d.admins.get(step.to);
      // What the group finds on its new cluster: offsets MM2's group sync translated, offsets it
      // committed there earlier (before a kill), or nothing (auto.offset.reset decides).
      const found: string[] = [];
      const chosen: TopicOffsets[] = [];
      for (const t of on) {
        const committed = await committedOffsets(admin, group, t);
        lane.rec.emit({ type: 'offsets', label: offsetsLabels.moveCommitted(step.to), cluster: step.to, topic: t, offsets: committed });
        found.push(`${t} ${Object.values(committed).filter((o) => Number(o) >= 0).length}/${Object.keys(committed).length}`);
        if (step.strategy !== 'mm2-sync') chosen.push(await logEdge(admin, t, step.strategy === 'earliest' ? 'earliest' : 'latest'));
      }
      // One standalone commit, as at the failover: kafkajs's setOffsets would join the group and wait a fetch cycle per topic.
      if (chosen.length) await commitGroupOffsets(d.admins.client(step.to), group, chosen);
      await lane.startConsuming(step.to, group, lane.scenario.failover.autoOffsetReset === 'earliest');
      const fallback = step.strategy === 'mm2-sync' ? `; partitions without a committed offset start at ${lane.scenario.failover.autoOffsetReset}` : '';
      return `group ${group}${from ? ` from ${from}` : ''} on ${on.join(', ')}; committed offsets found per topic: ${found.join(', ')}${fallback}`;
    },
    'move-producers': async (step) => {
      const moved = await workload.moveTo(step.to);
      return `${moved} producer(s) moved to ${step.to}; writing: ${workload.producerClusters.join(', ')}`;
    },
    'start-producers': async (step) => {
      await workload.startProducing(step.cluster);
      return `writing: ${workload.producerClusters.join(', ')}`;
    },
    'stop-producers': async () => {
      const was = workload.producerClusters;
      await workload.stopProducing();
      const t = workload.totals;
      return was.length ? `stopped on ${was.join(', ')}; ${t.acked} acked, ${t.indeterminate} indeterminate, ${t.failed} failed in all` : 'no producer was running';
    },
    'wait-mirror-drained': async (step) => {
      const before = describeLag(await mirrors.lag(step.mirror));
      const t0 = Date.now();
      return withDeadline(step, async () => {
        await waitUntil(async () => lagBelow(await mirrors.lag(step.mirror), 1), {
          what: `mirror ${step.mirror} to copy everything on its source (lag ${before} at the start)`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 250,
          logFile: mirrors.logFile(step.mirror), signal: d.sup.signal,
        });
        return `lag ${before} → 0 in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
      }, async () => `lag ${before} at the start, ${describeLag(await mirrors.lag(step.mirror))} not copied yet`);
    },
    'wait-group-synced': async (step) => {
      const m = s.mirrors[step.mirror]!;
      const atStart = mirrors.groupAtStart(step.mirror);
      const remote = topics.map((t) => remoteTopicOf(m, d.policyOf(m), t));
      const t0 = Date.now();
      // Synced = written by this mirror: present, and not what the group had there when the mirror
      // started (under Identity that is the group's own commit from before the kill).
      const admin = () => d.admins.get(m.target);
      // Partitions the group never committed on the source have nothing to sync (a consumer sees
      // partitions added to its topic only at its next metadata refresh, 5 min by default).
      const unread = new Set<string>();
      if (!x.killed.has(m.source)) {
        for (const [i, t] of topics.entries()) {
          for (const [p, o] of Object.entries(await committedOffsets(d.admins.get(m.source), groupId, t))) if (Number(o) < 0) unread.add(tpKey(remote[i]!, p));
        }
      }
      let behind = 0;
      // Partitions without a synced offset at the last look (what a cutoff leaves to auto.offset.reset).
      let unsynced: string[] = [];
      const what = `mirror ${step.mirror} to sync group ${groupId}'s offsets on ${remote.join(', ')} (${m.target})${step.withinMessages === undefined ? '' : ` to within ${step.withinMessages} of the end`}`;
      return withDeadline(step, async () => {
        await waitUntil(async () => {
          behind = 0;
          unsynced = [];
          for (const t of remote) {
            const ends = await endOffsets(admin(), t);
            for (const [p, o] of Object.entries(await committedOffsets(admin(), groupId, t))) {
              if (unread.has(tpKey(t, p))) continue;
              if (Number(o) < 0 || atStart.get(tpKey(t, p)) === o) unsynced.push(tpKey(t, p));
              else behind = Math.max(behind, Number(ends[p] ?? 0) - Number(o));
            }
          }
          return unsynced.length === 0 && (step.withinMessages === undefined || behind <= step.withinMessages);
        }, { what, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 500, signal: d.sup.signal });
        const skipped = unread.size ? `; ${[...unread].join(', ')}: never committed on ${m.source}, nothing to sync` : '';
        return `group ${groupId} has offsets on every partition of ${remote.join(', ')} on ${m.target} it committed on ${m.source}, at most ${behind} behind the end, after ${((Date.now() - t0) / 1000).toFixed(1)} s${skipped}`;
      }, async () => `${unsynced.length ? `not synced on ${unsynced.join(', ')}; ` : ''}synced offsets at most ${behind} behind the end`);
    },
    fault: async (step, index) => {
      const heal = await invokeFault(x.faultTargets(), step.fault, `playbook${index}`);
      if (heal) x.addHeal(heal, step.fault.fault, step.durationSeconds === undefined ? null : step.durationSeconds * 1000);
    },
    'reset-mirror-offsets': async (step) => mirrors.resetOffsets(step.mirror, step.topic),
    'grant-acls': async (step) => {
      const security = s.kafka.security;
      if (!security) throw new DrillError('STEP_FAILED', 'grant-acls needs kafka.security (checked when the scenario is loaded)');
      const acls = securityAcls(step.acls ? { acls: step.acls } : security);
      await createAcls(d.admins.get(step.cluster), acls);
      return `${acls.length} ACL(s) created on ${step.cluster}`;
    },
    ...topicActions(x),
    'drain-consumers': async (_step, _index, lane) => {
      await x.beforeDrain();
      lane.phase('faults-healed');
      lane.phase('drain-started');
      const c = lane.consumerOn;
      if (!c) return 'no consumer was running';
      // The lane's own backup (MM2-side paired variants each drain theirs).
      const side = d.sides[lane.side]!;
      const on = await side.views(c.cluster);
      const progress = d.ctx.progress.step(`${lane.label} drain on the ${c.cluster}`);
      const drained = await drain({ admin: side.admins.get(c.cluster), consumer: c.run, groupId: c.run.groupId, topics: on, timeoutMs: lane.scenario.failover.drainTimeoutSeconds * 1000, signal: d.sup.signal, seen: x.seenEnds(lane.side, c.cluster) });
      x.throwIfInterrupted('during the drain');
      lane.rec.emit({ type: 'read-complete', what: 'drain', complete: drained.complete, detail: drained.detail });
      for (const l of drained.last) {
        lane.rec.emit({ type: 'offsets', label: offsetsLabels.drainEnd.end, cluster: c.cluster, topic: l.topic, offsets: l.end });
        lane.rec.emit({ type: 'offsets', label: offsetsLabels.drainEnd.committed, cluster: c.cluster, topic: l.topic, offsets: l.committed });
      }
      await lane.stopConsuming();
      lane.phase('drain-done');
      const detail = `${c.run.delivered()} delivered on ${c.cluster}; ${drained.detail}`;
      progress(detail);
      return detail;
    },
  };
}

/**
 * The playbook steps that administer topics (docs/gotchas.md): delete a topic, create a new
 * incarnation, alter configs and partitions, reset the consumer group's offsets. Each records
 * what the ledger needs (`topic` events, end offsets before a deletion) and lets the config watch
 * follow what it changed.
 */
import { stepLabel } from '../../core/scenario/playbook.ts';
import { replicationFactorFor } from '../../core/kafka/network-layout.ts';
import { offsetsLabels } from '../../core/history/offsets-labels.ts';
import { alterTopicConfig, commitGroupOffsets, committedOffsets, endOffsets, kafkaErrorDetail, logEdge } from '../../adapters/clients/kafka-client.ts';
import { waitUntil } from '../../adapters/wait.ts';
import type { StepActions, StepDeps } from './step-context.ts';

type TopicActions = Pick<StepActions, 'delete-topic' | 'create-topic' | 'alter-topic' | 'reset-group'>;

export function topicActions(x: StepDeps): TopicActions {
  const { d, workload } = x;
  const s = d.ctx.cell.scenario;
  const groupId = s.workload.consumer.groupId;
  return {
    'delete-topic': async (step) => {
      const admin = d.admins.get(step.cluster);
      const end = await endOffsets(admin, step.topic);
      // What the incarnation held: the ledger tells its ids from the next one's.
      d.rec.emit({ type: 'offsets', label: offsetsLabels.beforeDeleteEnd, cluster: step.cluster, topic: step.topic, offsets: end });
      d.rec.emit({ type: 'topic', cluster: step.cluster, topic: step.topic, change: 'deleted' });
      await admin.deleteTopics({ topics: [step.topic], timeout: 30_000 });
      // kafkajs keeps every topic a client ever looked up in its metadata refreshes: once the topic
      // is gone each refresh fails (UNKNOWN_TOPIC_OR_PARTITION). A fresh client has none.
      await d.admins.renew(step.cluster);
      await waitUntil(async () => !(await d.admins.get(step.cluster).listTopics()).includes(step.topic), {
        what: `${step.topic} to be gone from ${step.cluster}`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 250, signal: d.sup.signal,
      });
      return `${step.topic} deleted on ${step.cluster} (it held ${Object.values(end).reduce((n, o) => n + Number(o), 0)} offsets)`;
    },
    'create-topic': async (step) => {
      await d.admins.renew(step.cluster); // see delete-topic: a lookup since may have named the missing topic again
      const admin = d.admins.get(step.cluster);
      const spec = s.topics.find((t) => t.name === step.topic)!;
      const partitions = step.partitions ?? spec.partitions;
      const config = { ...spec.config, ...step.config };
      const topic = { topic: step.topic, numPartitions: partitions, replicationFactor: replicationFactorFor(d.env[step.cluster].nodes), configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) };
      // Created (false when it exists: a retry after a creation that succeeded), then every partition
      // must have a leader — kafkajs's own wait gives up while the brokers' metadata still lags.
      // Recorded as the creation is issued (the previous incarnation is gone from the metadata by
      // then): no write can reach the new incarnation before this point.
      d.rec.emit({ type: 'topic', cluster: step.cluster, topic: step.topic, change: 'created', partitions, config });
      await waitUntil(async () => {
        await admin.createTopics({ topics: [topic], waitForLeaders: false }).catch((e: unknown) => {
          throw new Error(kafkaErrorDetail(e));
        });
        const parts = (await admin.fetchTopicMetadata({ topics: [step.topic] })).topics[0]?.partitions ?? [];
        return parts.length === partitions && parts.every((p) => p.leader >= 0);
      }, { what: `${step.topic} to be created on ${step.cluster} with a leader for each of its ${partitions} partition(s)`, timeoutMs: step.timeoutSeconds * 1000, intervalMs: 500, signal: d.sup.signal });
      workload.resize(step.cluster, step.topic, partitions);
      x.configs.follow(step.cluster, step.topic);
      return `${step.topic} created on ${step.cluster}: ${partitions} partition(s)${Object.keys(config).length ? `, ${Object.entries(config).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`;
    },
    'alter-topic': async (step, index) => {
      const admin = d.admins.get(step.cluster);
      const done: string[] = [];
      // The topic and its remote copies as they were: the baseline of what propagates.
      x.configs.follow(step.cluster, step.topic);
      await x.configs.snapshot(`before ${stepLabel(step, index)}`);
      if (Object.keys(step.config).length) {
        await alterTopicConfig(admin, step.topic, step.config);
        done.push(Object.entries(step.config).map(([k, v]) => `${k}=${v}`).join(', '));
      }
      if (step.partitions !== undefined) {
        await admin.createPartitions({ topicPartitions: [{ topic: step.topic, count: step.partitions }] });
        workload.resize(step.cluster, step.topic, step.partitions);
        done.push(`${step.partitions} partitions`);
      }
      d.rec.emit({ type: 'topic', cluster: step.cluster, topic: step.topic, change: 'altered', ...(step.partitions !== undefined ? { partitions: step.partitions } : {}), config: step.config });
      return `${step.topic} on ${step.cluster}: ${done.join('; ') || 'nothing to change'}`;
    },
    'reset-group': async (step) => {
      if (d.lanes.some((l) => l.consumerOn?.cluster === step.cluster)) throw new Error(`the consumer group runs on ${step.cluster}: move it before resetting its offsets there`);
      const admin = d.admins.get(step.cluster);
      const views = await d.views(step.cluster);
      for (const t of views) {
        // A standalone commit: kafkajs's resetOffsets joins the group and waits a fetch cycle.
        await commitGroupOffsets(d.admins.client(step.cluster), groupId, [await logEdge(admin, t, step.to)]);
        d.rec.emit({ type: 'offsets', label: offsetsLabels.resetCommitted(step.cluster), cluster: step.cluster, topic: t, offsets: await committedOffsets(admin, groupId, t) });
      }
      return `group ${groupId} at the ${step.to} offsets of ${views.join(', ')} on ${step.cluster}`;
    },
  };
}

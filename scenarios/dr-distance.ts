import { defineScenario } from 'mm2-drill';

/**
 * How far away the DR site can be: MM2 beside the backup, a WAN of a given round trip between
 * it and the primary (latency each way, so the round trip is twice `latencyMs`), and MM2 frozen
 * for 20 s so that a backlog builds up; once it resumes, the rate at which it drains the backlog
 * is the most it can sustain at that round trip (results.json `catchUp`, core/checker/catch-up.ts).
 *
 * Three MM2 profiles: MM2's defaults; `socket-buffers`, the classic WAN advice alone (the OS
 * autotunes the TCP buffers, `receive.buffer.bytes=-1`, instead of the consumer's 64 KiB); and
 * `tuned`, larger fetches per round trip (`max.partition.fetch.bytes`, `fetch.max.bytes`), a
 * task per partition, larger compressed producer batches.
 *
 * What a round trip costs here: MM2's source consumer keeps one fetch in flight per broker
 * (the Java consumer's Fetcher), each returning at most `max.partition.fetch.bytes` per
 * partition (1 MiB by default), so it copies at most partitions × 1 MiB per round trip. A real
 * WAN also caps each TCP connection at its window / RTT; Toxiproxy relays the bytes through
 * its own sockets, so the window between MM2 and the proxy never sees the WAN's round trip —
 * that cap is not reproduced here (docs/findings.md says what it costs on a real WAN).
 */
const mirror = (properties: Record<string, string | number> = {}) => ({ forward: { source: 'primary', target: 'backup', startAt: 'setup', properties } }) as const;

export default defineScenario({
  name: 'dr-distance',
  description: "MM2's sustained copy rate against the round trip to the primary: a backlog drained at 2, 20, 80 and 150 ms, with MM2's defaults and tuned.",
  workload: { ratePerSecond: 1000, messageBytes: 8192, durationSeconds: 50 },
  timeline: [
    { at: 0, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 1 } },
    { at: 5, durationSeconds: 20, action: { fault: 'pause', target: 'mirror' } },
  ],
  topologies: {
    defaults: mirror(),
    'socket-buffers': mirror({ 'primary.consumer.receive.buffer.bytes': -1, 'backup.producer.send.buffer.bytes': -1 }),
    tuned: mirror({
      'primary.consumer.max.partition.fetch.bytes': 8_388_608,
      'primary.consumer.fetch.max.bytes': 104_857_600,
      'primary.consumer.receive.buffer.bytes': -1,
      'tasks.max': 3,
      'backup.producer.batch.size': 524_288,
      'backup.producer.linger.ms': 20,
      'backup.producer.compression.type': 'lz4',
    }),
  },
  mirrors: 'defaults',
  matrix: { 'timeline.0.action.latencyMs': [1, 10, 40, 75], mirrors: ['defaults', 'socket-buffers', 'tuned'] },
});

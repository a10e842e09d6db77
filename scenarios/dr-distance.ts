import { defineScenario } from 'mm2-drill';

/**
 * How far away the DR site can be: MM2 beside the backup, a WAN of a given round trip between
 * it and the primary (latency each way, so the round trip is twice `latencyMs`), and MM2 frozen
 * for 20 s so that a backlog builds up; once it resumes, the rate at which it drains the backlog
 * is the most it can sustain at that round trip (results.json `catchUp`, core/checker/catch-up.ts).
 *
 * With MM2's defaults as written; the same sweep tuned is one `--set` away (docs/findings.md has
 * both runs):
 *
 *   npx mm2-drill run scenarios/dr-distance.ts --set mirror.tasksMax=3 --set 'mirror.properties={"primary.consumer.max.partition.fetch.bytes":8388608,"primary.consumer.fetch.max.bytes":104857600,"primary.consumer.receive.buffer.bytes":-1,"backup.producer.batch.size":524288,"backup.producer.linger.ms":20}'
 *
 * — larger fetches per round trip, the OS's autotuned socket buffers instead of the consumer's
 * 64 KiB, a task per partition, larger producer batches. Not compression: MM2 compresses what it
 * produces, on the backup's side of the WAN here, so it cannot shrink what crosses it, and it
 * costs the CPU this machine's drain is short of.
 *
 * What a round trip costs here: MM2's source consumer keeps one fetch in flight per broker
 * (the Java consumer's Fetcher), each returning at most `max.partition.fetch.bytes` per
 * partition (1 MiB by default), so it copies at most partitions × 1 MiB per round trip. A real
 * WAN also caps each TCP connection at its window / RTT; Toxiproxy relays the bytes through
 * its own sockets, so the window between MM2 and the proxy never sees the WAN's round trip —
 * that cap is not reproduced here (docs/findings.md says what it costs on a real WAN).
 */
export default defineScenario({
  name: 'dr-distance',
  description: "MM2's sustained copy rate against the round trip to the primary: a backlog drained at 2, 20, 80, 150 and 300 ms, with MM2's defaults and tuned.",
  // The producer stops a second after MM2 resumes: the drain then competes with nothing for this
  // machine's 2 cores (a WAN's two ends are two machines), and every sample until MM2 has caught up
  // measures its copy rate.
  workload: { ratePerSecond: 1000, messageBytes: 8192, durationSeconds: 24 },
  timeline: [
    // With a duration past the drain: a fault without one is healed as the consumer drains, at the
    // workload's end, and MM2 would drain its backlog without the WAN.
    { at: 0, durationSeconds: 300, action: { fault: 'latency', link: 'mm2-primary', latencyMs: 1 } },
    { at: 3, durationSeconds: 20, action: { fault: 'pause', target: 'mirror' } },
  ],
  matrix: { 'timeline.0.action.latencyMs': [1, 10, 40, 75, 150] },
});

/**
 * The clocks of a cell's producer hosts (`workload.hosts`, core/plan/producer-hosts.ts): per host
 * segment, the offset its times were corrected by and the bound within which each is right —
 * what an ack's place before or after the kill is worth. Null: the workload ran on no host.
 */
import { eventsOf } from '../history/history.ts';
import type { Checker } from './checker.ts';

export interface ProducerClock {
  /** The host's segment, `w<k>.ndjson`: host k. */
  readonly segment: string;
  /** The host's clock − the drill's, ms. */
  readonly offsetMs: number;
  readonly boundMs: number;
  readonly samples: number;
}

export const producerClocksChecker: Checker<ProducerClock[] | null> = {
  name: 'producer-clocks',
  run: ({ events }) => {
    const clocks = eventsOf(events, 'producer-clock').map((e) => ({ segment: e.segment, offsetMs: e.offsetMs, boundMs: e.boundMs, samples: e.samples }));
    return clocks.length ? clocks : null;
  },
};

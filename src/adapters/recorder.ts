/** Appends history events to history.ndjson and keeps the current cell's events for the checker. */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventBody, HistoryEvent } from '../core/history.ts';

export interface CellRecorder {
  readonly cell: string;
  emit(body: EventBody): HistoryEvent;
  events(): readonly HistoryEvent[];
}

export class HistoryRecorder {
  private readonly out: WriteStream;
  private readonly now: () => number;
  constructor(file: string, now: () => number = Date.now) {
    this.out = createWriteStream(file, { flags: 'a' });
    this.now = now;
  }

  forCell(cell: string): CellRecorder {
    const events: HistoryEvent[] = [];
    return {
      cell,
      emit: (body) => {
        const event = { cell, t: this.now(), ...body } as HistoryEvent;
        events.push(event);
        this.out.write(`${JSON.stringify(event)}\n`);
        return event;
      },
      events: () => events,
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/**
 * One recorder over several: every event goes to each (paired variants share what happened to
 * their environment — the producer, the faults, the kill, the verification read — and each
 * variant's history holds all of it). Returns, and reads back, the first's.
 */
export function broadcastRecorder(recs: readonly CellRecorder[]): CellRecorder {
  const first = recs[0];
  if (!first) throw new Error('no recorder to broadcast to');
  if (recs.length === 1) return first;
  return {
    cell: first.cell,
    emit: (body) => recs.map((r) => r.emit(body))[0]!,
    events: () => first.events(),
  };
}

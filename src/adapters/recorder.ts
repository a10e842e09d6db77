/** Appends history events to history.ndjson and keeps each cell's events for the checker, in columns (core/history/event-log.ts). */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventBody, HistoryEvent, HistoryEvents } from '../core/history/history.ts';
import { HistoryEncoder } from '../core/history/compact-history.ts';
import { EventLog } from '../core/history/event-log.ts';
import { scrub, scrubJson, secretsGeneration } from './secrets.ts';

export interface CellRecorder {
  readonly cell: string;
  /** Stamps the event with the cell and the time (`t`: a time already given to the same event in another history). */
  emit(body: EventBody, t?: number): HistoryEvent;
  /**
   * Records an event another cell's recorder stamped — a shared event of paired variants — as
   * this cell's too (its `cell` stays the stamping cell's: the checker reads a cell's events,
   * never their `cell`), and written once for all of them where the history's
   * compact lines can (core/history/compact-history.ts). Absent: `emit` the body again.
   */
  share?(event: HistoryEvent): void;
  /** The cell's events so far, in columns (core/history/event-log.ts): each built again as it is read. */
  events(): HistoryEvents;
}

export class HistoryRecorder {
  private readonly out: WriteStream;
  private readonly now: () => number;
  /**
   * Lines not yet handed to the stream: one write per event costs the stream a chunk each, which
   * at tens of thousands of acks a second is the producer's bottleneck. They go out together once
   * the current turn of the event loop ends, in order.
   */
  private pending: string[] = [];
  private flushing = false;
  /** The per-message events as compact lines (core/history/compact-history.ts), with their secrets redacted as the JSON lines are. */
  private readonly encoder = new HistoryEncoder(scrub, (e) => JSON.stringify(scrubJson(e)), secretsGeneration);
  /**
   * The last event and the cells that recorded it so far: one shared event is written once for
   * all. Two fields, not an object per event: the producer's acks pass here one by one.
   */
  private held: HistoryEvent | null = null;
  private readonly heldCells: string[] = [];
  constructor(file: string, now: () => number = Date.now) {
    this.out = createWriteStream(file, { flags: 'a' });
    this.now = now;
  }

  forCell(cell: string): CellRecorder {
    const events = new EventLog();
    return {
      cell,
      emit: (body, t) => {
        const event = { cell, t: t ?? this.now(), ...body } as HistoryEvent;
        events.push(event);
        this.write(event, cell);
        return event;
      },
      share: (event) => {
        events.push(event);
        this.write(event, cell);
      },
      events: () => events,
    };
  }

  /** The checker reads the event as it happened; the file gets it with its secrets redacted. */
  private write(event: HistoryEvent, cell: string): void {
    if (this.held === event) {
      this.heldCells.push(cell);
      return;
    }
    this.release();
    this.held = event;
    this.heldCells.push(cell);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private release(): void {
    if (this.held) this.encoder.append(this.pending, this.held, this.heldCells);
    this.held = null;
    this.heldCells.length = 0;
  }

  private flush(): void {
    this.flushing = false;
    this.release();
    if (this.pending.length === 0) return;
    this.out.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/**
 * One recorder over several: every event goes to each (paired variants share what happened to
 * their environment — the producer, the faults, the kill, the verification read — and each
 * variant's history holds all of it), with one time: the same kill is at the same millisecond in
 * every history; written once where the recorders can share. Returns,
 * and reads back, the first's.
 */
export function broadcastRecorder(recs: readonly CellRecorder[]): CellRecorder {
  const first = recs[0];
  if (!first) throw new Error('no recorder to broadcast to');
  if (recs.length === 1) return first;
  return {
    cell: first.cell,
    emit: (body, t) => {
      const event = first.emit(body, t);
      for (const r of recs.slice(1)) {
        if (r.share) r.share(event);
        else r.emit(body, event.t);
      }
      return event;
    },
    events: () => first.events(),
  };
}

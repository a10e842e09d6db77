/**
 * The checker protocol (Jepsen's history → checker): every analysis of a cell run reads the same
 * input — its history, that history indexed once, the settings the cell recorded at its start,
 * and the cell's start — and returns its figures. `results/measure.ts` builds the input once and
 * composes the checkers; an analysis never indexes the history again nor talks to Kafka.
 *
 * A checker is a thin face over its analysis: the analysis keeps the arguments it needs (unit
 * tests call it with crafted histories), the checker names it and picks them from the input.
 */
import { cellSettingsOf, type CellSettings } from '../history/cell-settings.ts';
import type { HistoryEvents } from '../history/history.ts';
import { indexHistory, type HistoryIndex } from '../history/history-index.ts';

/** What every checker reads: one cell run's history, indexed once. */
export interface CheckInput {
  readonly events: HistoryEvents;
  readonly ix: HistoryIndex;
  /** The `cell-start` settings, read back once (core/history/cell-settings.ts). */
  readonly settings: CellSettings;
  /** The cell's start (epoch ms): the origin of every `…Ms` figure measured from it. */
  readonly cellStart: number;
}

/** One analysis of a cell run: the history in, its figures (`F`) out. Pure. */
export interface Checker<F> {
  /** Kebab-case, for messages and docs. */
  readonly name: string;
  run(input: CheckInput): F;
}

/** The input of every checker, from a cell run's history: indexed and its settings read here, once. */
export function checkInput(events: HistoryEvents, cellStart: number): CheckInput {
  return { events, ix: indexHistory(events), settings: cellSettingsOf(events), cellStart };
}

/** The figures of a record of checkers, under the same keys. */
export type FiguresOf<R extends Record<string, Checker<unknown>>> = { [K in keyof R]: R[K] extends Checker<infer F> ? F : never };

/** Runs a record of checkers over one input, in the record's order (the figures keep its keys and order). */
export function runCheckers<R extends Record<string, Checker<unknown>>>(checkers: R, input: CheckInput): FiguresOf<R> {
  // Object.fromEntries loses the keys' types; each value is its own checker's figure by construction.
  return Object.fromEntries(Object.entries(checkers).map(([field, c]) => [field, c.run(input)])) as FiguresOf<R>;
}

/**
 * The scenario's alarms judged on a cell's history. Their analysis (`alarmsOf`) lives with the
 * alarm schema and the tracker the run uses while it runs (core/scenario/alarms.ts), a layer
 * below the checkers; this is its face as a checker.
 */
import { alarmsOf, type AlarmResult } from '../scenario/alarms.ts';
import type { Checker } from './checker.ts';

export const alarmsChecker: Checker<AlarmResult[]> = { name: 'alarms', run: ({ events, cellStart }) => alarmsOf(events, cellStart) };

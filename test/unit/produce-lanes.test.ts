import { describe, expect, it } from 'vitest';
import { laneCount, laneOf, MAX_LANES, sendOffsets } from '../../src/core/kafka/produce-lanes.ts';

describe('produce lanes', () => {
  it('gives every partition exactly one lane, and as many lanes as still each carry a full send', () => {
    const of = (partitions: number, sendCap = 500) => ({ partitions, sendCap });
    expect(laneCount([of(3)], false)).toBe(1); // 1,500 records a round: one send
    expect(laneCount([of(8)], false)).toBe(2);
    expect(laneCount([of(4), of(4)], false)).toBe(2);
    expect(laneCount([of(64)], false)).toBe(MAX_LANES);
    expect(laneCount([of(64)], true)).toBe(1);
    expect(laneCount([of(3, 5000)], false)).toBe(3); // never more lanes than partitions
    expect(laneCount([of(1, 1)], false)).toBe(1);
    for (const lanes of [1, 2, 3, MAX_LANES]) {
      const owners = Array.from({ length: 64 }, (_, p) => laneOf(p, lanes));
      expect(owners.every((l) => l >= 0 && l < lanes)).toBe(true);
      expect(new Set(owners).size).toBe(lanes);
    }
  });

  it('numbers a send\'s messages from each partition\'s base offset, in send order', () => {
    const parts = [0, 1, 0, 2, 1, 0];
    expect(sendOffsets(parts, new Map([[0, '10'], [1, '7'], [2, '0']]))).toEqual(['10', '7', '11', '0', '8', '12']);
  });

  it('leaves no offset where none came back or it was -1', () => {
    expect(sendOffsets([0, 1, 0], new Map([[0, '-1']]))).toEqual([null, null, null]);
  });

  it('stays exact past 2^53', () => {
    const base = '9007199254740991'; // Number.MAX_SAFE_INTEGER
    expect(sendOffsets([0, 0, 0], new Map([[0, base]]))).toEqual(['9007199254740991', '9007199254740992', '9007199254740993']);
  });
});

import { describe, expect, it } from 'vitest';
import { endOffsetsToRead } from '../../src/adapters/clients/topic-reader.ts';

/** An admin whose offset look-ups fail `failures` times (a restored cluster without leaders yet), then answer. */
const admin = (failures: number, topics = ['mm2-offset-syncs.backup.internal']) => {
  let calls = 0;
  return {
    calls: () => calls,
    listTopics: async () => topics,
    fetchTopicOffsets: async () => {
      calls += 1;
      if (calls <= failures) throw new Error('There is no leader for this topic-partition');
      return [{ partition: 0, offset: '42', high: '42', low: '0' }];
    },
  };
};

describe('the end offsets a read of an MM2 topic goes up to', () => {
  it('tries again while the topic exists and its look-up fails, instead of reading it as empty', async () => {
    const a = admin(2);
    expect(await endOffsetsToRead(a, 'mm2-offset-syncs.backup.internal', 5_000, 10)).toEqual({ 0: '42' });
    expect(a.calls()).toBe(3);
  });

  it('reads a topic that does not exist as empty', async () => {
    expect(await endOffsetsToRead(admin(1, []), 'mm2-offset-syncs.backup.internal', 5_000, 10)).toEqual({});
  });

  it('fails at the deadline, naming the topic, when the look-up never succeeds', async () => {
    await expect(endOffsetsToRead(admin(1_000), 'mm2-offset-syncs.backup.internal', 100, 10)).rejects.toThrow(/end offsets of mm2-offset-syncs\.backup\.internal within 100 ms: There is no leader/);
  });
});

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { kafkaClient } from '../../src/adapters/clients/kafka-client.ts';
import { crc32c, encodeRecord, groupMessagesPerPartition, hotPathReplaced, kafkajsOriginal, type RecordInput } from '../../src/adapters/clients/kafkajs-hot-path.ts';
import { encodeMessage, ID_HEADER } from '../../src/core/history/message.ts';

const require = createRequire(import.meta.url);
const loaded = (path: string): unknown => require(path) as unknown;

describe("kafkajs's producer hot path", () => {
  it('is replaced once the client module loads kafkajs', () => {
    kafkaClient(['localhost:9092'], 'test', '/dev/null');
    loaded('kafkajs/src/protocol/requests/produce/v3/request.js'); // what a first produce loads
    expect(hotPathReplaced()).toBe(true);
    expect(kafkajsOriginal(loaded('kafkajs/src/producer/groupMessagesPerPartition.js'))).toBeTypeOf('function');
  });

  it("is replaced in the drill's module graph and the scale bench's, whichever of their modules loads kafkajs first", () => {
    // A fresh process each: the graph's own order of evaluation decides, not this file's imports.
    const url = (path: string) => new URL(`../../${path}`, import.meta.url).href;
    for (const entry of ['src/run/run-drill.ts', 'src/adapters/containers/environment.ts']) {
      const code = [
        `await import(${JSON.stringify(url(entry))});`,
        `const { createRequire } = await import('node:module');`,
        `createRequire(${JSON.stringify(url('src/adapters/clients/kafka-client.ts'))})('kafkajs/src/protocol/requests/produce/v3/request.js');`,
        `const { hotPathReplaced } = await import(${JSON.stringify(url('src/adapters/clients/kafkajs-hot-path.ts'))});`,
        'console.log(JSON.stringify(hotPathReplaced()));',
      ].join('\n');
      const r = spawnSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', code], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout.trim().split('\n').at(-1), `${entry}: ${r.stderr}`).toBe('true');
    }
  }, 120_000);

  it("groups a send by partition, each partition's messages in send order, as kafkajs's own", () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({ partition: (i * 7) % 5, i }));
    const partitioner = ({ message }: { message: { partition: number } }) => message.partition;
    const ours = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}], messages, partitioner });
    const theirs = (kafkajsOriginal(loaded('kafkajs/src/producer/groupMessagesPerPartition.js')) as typeof groupMessagesPerPartition)({ topic: 't', partitionMetadata: [{}], messages, partitioner });
    expect(ours).toEqual(theirs);
    expect(Object.keys(ours)).toHaveLength(5);
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner })).toEqual({});
  });

  it('encodes a record byte for byte as kafkajs does', () => {
    const theirs = kafkajsOriginal(loaded('kafkajs/src/protocol/recordBatch/record/v0/index.js')) as (r: RecordInput) => { buffer: Buffer };
    const id = 'run-0-123456';
    const cases: RecordInput[] = [
      { key: id, value: encodeMessage(id, 1_700_000_000_000, 100), headers: { [ID_HEADER]: id }, offsetDelta: 0, timestampDelta: 0 },
      { key: null, value: 'x'.repeat(70_000), headers: { [ID_HEADER]: id }, offsetDelta: 1999, timestampDelta: 12 },
      { key: 'k7', value: Buffer.from([0, 1, 2, 255]), offsetDelta: 300, timestampDelta: -5 },
      { key: Buffer.alloc(0), value: 'ünïcødé ✓', headers: { a: 'b', 'ç': Buffer.from('z') }, offsetDelta: 2 ** 31 - 1, timestampDelta: 2 ** 31 - 1 },
      { value: null, offsetDelta: 64, timestampDelta: -(2 ** 31) },
      { value: 'v', headers: {} },
    ];
    for (const c of cases) {
      const ours = encodeRecord(c);
      expect(ours, JSON.stringify(c).slice(0, 80)).toBeDefined();
      expect(ours!.buffer.equals(theirs(c).buffer)).toBe(true);
      // What kafkajs's producer calls now answers the same.
      expect((loaded('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: RecordInput) => { buffer: Buffer })(c).buffer.equals(theirs(c).buffer)).toBe(true);
    }
  });

  it("checksums as kafkajs's CRC-32C, every length and alignment", () => {
    const theirs = kafkajsOriginal(loaded('kafkajs/src/protocol/recordBatch/crc32C/index.js')) as (b: Buffer) => number;
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value (RFC 3720)
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    for (let start = 0; start < 9; start++) {
      for (const end of [start, start + 1, start + 7, start + 8, start + 9, 100, 299, 300]) {
        const slice = data.subarray(start, Math.max(start, end));
        expect(crc32c(slice)).toBe(theirs(slice));
        expect((loaded('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number)(slice)).toBe(theirs(slice));
      }
    }
  });

  it("leaves the other shapes to kafkajs's encoder", () => {
    expect(encodeRecord({ value: 'v', headers: { h: ['a', 'b'] } })).toBeUndefined();
    expect(encodeRecord({ value: 'v', timestampDelta: 2 ** 40 })).toBeUndefined();
    const record = loaded('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: RecordInput) => { buffer: Buffer };
    const theirs = kafkajsOriginal(record) as typeof record;
    const r = { value: 'v', headers: { h: ['a', 'b'] } } as unknown as RecordInput;
    expect(record(r).buffer.equals(theirs(r).buffer)).toBe(true);
  });
});

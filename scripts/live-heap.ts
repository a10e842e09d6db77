/**
 * The benchmarks' measure of what stays in memory: the JS heap and the typed arrays' buffers
 * outside it (the event log's and the index's columns live there), after a full garbage collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes live after a full collection: the heap in use plus the buffers outside it. */
export const liveHeap = (): number => {
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

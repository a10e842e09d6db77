/**
 * A background task that fails (here the consumer, refused by the primary's clients' link while
 * it connects) never ends the process unhandled: it becomes the cell's error, with cleanup,
 * partial results and exit code 4.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../../src/core/history/history.ts';
import { containersLeft, runDrill } from './helpers.ts';

describe('a background task fails', () => {
  it('is a harness error with partial results, exit 4 and nothing left running', async () => {
    const { code, results, history, stderr } = await runDrill('test/fixtures/refused-consumer.ts', 'refused-consumer', [], 300_000);
    expect(code, stderr).toBe(4);
    expect(stderr).not.toMatch(/Unhandled|triggerUncaughtException/);
    const cell = results.cells[0]!;
    expect(cell.status).toBe('error');
    expect(cell.error?.code).toBe('TASK_FAILED');
    expect(cell.error?.message).toContain('the consumer on the primary failed');
    expect(results.status).toBe('error');
    expect(eventsOf(history, 'cell-end')[0]?.status).toBe('failed');
    expect(eventsOf(history, 'kill')).toHaveLength(0); // it never got that far
    expect(eventsOf(history, 'ack').length).toBeGreaterThan(0); // the partial history is kept
    expect(await containersLeft(results.runId)).toBe(0);
  }, 320_000);
});

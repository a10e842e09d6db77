import { expect, it } from 'vitest';
import { DrillError } from '../../src/core/errors.ts';
import { runStatus } from '../../src/core/results/results.ts';
import { cellFailure, harnessFailure, interruptedByUser } from '../../src/run/abort-reason.ts';
import { backgroundFailure } from '../../src/cli/stopper.ts';

const aborted = (reason?: unknown) => {
  const c = new AbortController();
  c.abort(reason);
  return c.signal;
};
const interruptedWait = new DrillError('INTERRUPTED', 'interrupted while waiting for the backup');

it('a user\'s signal makes the cell interrupted', () => {
  for (const signal of [aborted(), aborted(new DrillError('INTERRUPTED', 'interrupted by SIGINT'))]) {
    expect(interruptedByUser(signal)).toBe(true);
    expect(harnessFailure(signal)).toBeUndefined();
    const f = cellFailure(signal, interruptedWait);
    expect(f.status).toBe('interrupted');
    expect(f.error.code).toBe('INTERRUPTED');
  }
});

it('a harness failure makes the cell an error reporting that failure, not the interrupted wait it caused', () => {
  const failure = backgroundFailure(new TypeError('Cannot read properties of undefined'));
  const signal = aborted(failure);
  expect(interruptedByUser(signal)).toBe(false);
  const f = cellFailure(signal, interruptedWait);
  expect(f.status).toBe('error');
  expect(f.error.code).toBe('UNEXPECTED');
  expect(f.error.exitCode).toBe(4);
  expect(f.error.message).toBe('a background task failed: Cannot read properties of undefined');
  expect(f.error.detail).toContain('TypeError: Cannot read properties of undefined');
});

it('without an abort, the cell\'s own error decides', () => {
  const signal = new AbortController().signal;
  expect(interruptedByUser(signal)).toBe(false);
  expect(cellFailure(signal, new DrillError('WAIT_TIMEOUT', 'timed out')).status).toBe('error');
  expect(cellFailure(signal, interruptedWait).status).toBe('interrupted');
  const bug = cellFailure(signal, new RangeError('boom'));
  expect(bug.status).toBe('error');
  expect(bug.error.code).toBe('UNEXPECTED');
});

it('the run is an error, not interrupted, when a harness failure stopped it', () => {
  expect(runStatus([], interruptedByUser(aborted(backgroundFailure('boom'))))).not.toBe('interrupted');
  expect(runStatus([], interruptedByUser(aborted()))).toBe('interrupted');
});

/**
 * A timeline's MM2 restart, measured: the restart itself (adapters/containers/nemesis.ts), then
 * the backup's remote-topic end offsets followed on the never-faulted ADMIN path until one grows —
 * MM2 copying again — recorded as one `mirror-restart` event (core/checker/mirror-restarts.ts).
 */
import type { Admin } from 'kafkajs';
import type { Fault } from '../core/scenario/faults.ts';
import { restartMirror, type NemesisTargets } from '../adapters/containers/nemesis.ts';
import { endOffsets } from '../adapters/clients/kafka-client.ts';
import type { CellRecorder } from '../adapters/recorder.ts';
import { sleep } from '../adapters/wait.ts';

export interface MeasuredRestart {
  readonly targets: NemesisTargets;
  readonly fault: Extract<Fault, { fault: 'restart' }>;
  readonly step: number;
  /** 1-based, within the step. */
  readonly restart: number;
  readonly backup: Admin;
  readonly remoteTopics: readonly string[];
  readonly rec: CellRecorder;
  /** Stops following the ends (the next restart is due, the primary was killed, the cell ends): resume unknown. */
  readonly signal: AbortSignal;
}

const POLL_MS = 200;

async function ends(backup: Admin, topics: readonly string[]): Promise<Map<string, bigint>> {
  const all = new Map<string, bigint>();
  for (const t of topics) for (const [p, o] of Object.entries(await endOffsets(backup, t))) all.set(`${t}/${p}`, BigInt(o));
  return all;
}

/** Restarts MM2; resolves then, with the measuring of its resume (recorded when it ends). */
export async function measuredRestart(m: MeasuredRestart): Promise<{ measured: Promise<void> }> {
  const stoppedAt = Date.now();
  await restartMirror(m.targets, m.fault);
  const startedAt = Date.now();
  // Read after the start: the new JVM copies nothing for seconds, and the old process's last writes have landed.
  const at = await ends(m.backup, m.remoteTopics);
  return { measured: resumed(m, { stoppedAt, startedAt, at }) };
}

async function resumed(m: MeasuredRestart, r: { stoppedAt: number; startedAt: number; at: ReadonlyMap<string, bigint> }): Promise<void> {
  const { stoppedAt, startedAt, at } = r;
  let resumedAt: number | null = null;
  while (!m.signal.aborted) {
    await sleep(POLL_MS, m.signal);
    if (m.signal.aborted) break;
    const now = await ends(m.backup, m.remoteTopics).catch(() => null);
    if (now && [...now].some(([tp, o]) => o > (at.get(tp) ?? 0n))) {
      resumedAt = Date.now();
      break;
    }
  }
  m.rec.emit({
    type: 'mirror-restart', step: m.step, restart: m.restart, mode: m.fault.mode, stoppedAt, startedAt, resumedAt,
    backupEnd: Object.fromEntries([...at].map(([tp, o]) => [tp, String(o)])),
  });
}

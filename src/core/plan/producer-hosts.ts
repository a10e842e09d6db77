/**
 * The workload on N producer hosts (`workload.hosts`): producers that are not children of the
 * drill — CI jobs, Kubernetes pods — each started as `mm2-drill produce --join <dir> --index k`,
 * joining the drill through a directory both see. This file holds what is pure about it: the
 * layout of that directory, the format of its messages, and the estimate of a host's clock.
 *
 * The channel: every message is a file of its own, `<seq>.json`, written under a temporary name
 * and renamed (a rename is atomic on a local file system and on NFS), in the mailbox of one
 * direction of one host; the reader opens the next sequence number by name — no directory
 * listing, whose caches on a network file system lag — and removes what it read.
 *
 * Clocks: the checker compares each ack's time with the kill's, and a host's acks carry its own
 * clock. The drill measures each host's offset as Cristian's algorithm does: it sends a ping at
 * `sent` (its clock), the host answers with its clock `host`, the drill reads the answer at
 * `received`. The host read its clock somewhere in between, so its offset is
 * `host − (sent + received) / 2`, wrong by at most half the round trip; of many pings, the one with
 * the shortest round trip bounds it best. The drill CORRECTS every time of a host's segment by
 * that offset (an ack's time becomes the drill's clock at that moment, within the bound) rather
 * than trusting NTP, since a correction costs nothing and an unsynchronised CI runner is common;
 * and REFUSES a host whose bound exceeds `workload.hosts.maxClockBoundMs`, since an ack within the
 * bound of the kill could then not be placed on either side of it. Offset and bound are recorded
 * in the history (`producer-clock` events), so a report shows what its times are worth.
 */

/** The file naming the drill's current session (or its end), in the shared directory. */
export const CURRENT_FILE = 'current.json';
/** A session's directory: its hosts' mailboxes and segments. */
export const sessionDir = (session: string): string => `sessions/${session}`;
/** Host `k`'s mailboxes within a session: `in` from the drill, `out` to it. */
export const mailboxDir = (k: number, direction: 'in' | 'out'): string => `host-${k}/${direction}`;
/** Host `k`'s history segment within a session (named relative to it: each side mounts the directory where it likes). */
export const hostSegment = (k: number): string => `w${k}.ndjson`;

/** What `current.json` says: a session for `hosts` hosts to join, or that the drill `runId` is over. */
export type Current = { session: string; hosts: number } | { done: string };

/** The `seq`-th message's file name: fixed width, so that names sort as their numbers. */
export const messageFile = (seq: number): string => `${String(seq).padStart(10, '0')}.json`;

/** Channel messages' format version: a host of another version is refused at its first message. */
export const CHANNEL_VERSION = 1;

/** A message as its file holds it: JSON, with Maps (a client recipe's routes) as `{ "$map": [[k, v], …] }`. */
export function encodeMessage(seq: number, body: unknown): string {
  return JSON.stringify({ v: CHANNEL_VERSION, seq, m: body }, (_, value: unknown) => (value instanceof Map ? { $map: [...value.entries()] } : value));
}

/** A message file's body, or why it is not the `seq`-th message of this channel's version. */
export function decodeMessage(text: string, seq: number): { body: unknown } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (_, value: unknown) => (isMapValue(value) ? new Map(value.$map) : value));
  } catch (e) {
    return { problem: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { problem: 'not a message object' };
  const { v, seq: got, m } = parsed as { v?: unknown; seq?: unknown; m?: unknown };
  if (v !== CHANNEL_VERSION) return { problem: `channel version ${String(v)}, expected ${CHANNEL_VERSION}: run the same mm2-drill version on every host` };
  if (got !== seq) return { problem: `message ${String(got)} where ${seq} was expected` };
  if (typeof m !== 'object' || m === null || typeof (m as { type?: unknown }).type !== 'string') return { problem: 'a message without a type' };
  return { body: m };
}

const isMapValue = (v: unknown): v is { $map: [unknown, unknown][] } =>
  typeof v === 'object' && v !== null && Array.isArray((v as { $map?: unknown }).$map) && Object.keys(v).length === 1;

/** One ping: the drill's clock when it sent it and when the answer came, the host's clock in the answer. */
export interface ClockSample {
  readonly sent: number;
  readonly host: number;
  readonly received: number;
}

/** A host's clock against the drill's: host time − drill time, within ± `boundMs`. */
export interface ClockOffset {
  readonly offsetMs: number;
  readonly boundMs: number;
  /** Pings it was estimated from. */
  readonly samples: number;
}

/** The offset from the ping of the shortest round trip (null without a ping answered). */
export function clockOffset(samples: readonly ClockSample[]): ClockOffset | null {
  const valid = samples.filter((s) => s.received >= s.sent);
  if (valid.length === 0) return null;
  const best = valid.reduce((a, b) => (b.received - b.sent < a.received - a.sent ? b : a));
  return { offsetMs: best.host - (best.sent + best.received) / 2, boundMs: (best.received - best.sent) / 2, samples: valid.length };
}

/** A time of the host's clock on the drill's. */
export const drillTime = (hostTime: number, clock: ClockOffset): number => Math.round(hostTime - clock.offsetMs);

/**
 * MM2's health signals: their names and one sample of them. What each signal measures, and what
 * it can and cannot tell, is in core/scenario/alarms.ts (the alarms judged over them) and docs/alarms.md.
 * Its own module because the history records samples and alarm transitions of these signals
 * while the alarms read the history back: both name the signals, neither owns them.
 */
export const signalNames = ['heartbeatAgeSeconds', 'replicatedHeartbeatAgeSeconds', 'checkpointAgeSeconds', 'offsetSyncAgeSeconds', 'expiredUncopiedMessages'] as const;
export type SignalName = (typeof signalNames)[number];

/** One sample of every signal: ages in seconds, `…Messages` in messages (null: unknown). */
export type HealthValues = Record<SignalName, number | null>;

/**
 * The forward flow (primary → backup) as a scenario states it before MM2 runs: its properties and
 * its separator, for the checks of a scenario and for every layer that asks MM2's names
 * (core/kafka/mm2-names.ts) about a scenario's flow.
 */
import type { PropertyValue } from '../kafka/property-value.ts';
import { overlay } from '../kafka/mm2-properties-file.ts';
import { policySeparator } from '../kafka/mm2-names.ts';
import type { Scenario } from './scenario.ts';

/**
 * The forward flow's properties as far as the scenario knows them before MM2 runs: the imported
 * properties file (if any) under the scenario's own `mirror.properties`.
 */
export const flowProperties = (s: Pick<Scenario, 'mirror'>): Record<string, PropertyValue> => overlay(s.mirror.file?.properties ?? {}, s.mirror.properties);

/** The forward flow's `replication.policy.separator` (DefaultReplicationPolicy's default "."). */
export const separatorOf = (s: Pick<Scenario, 'mirror'>): string => policySeparator(flowProperties(s));

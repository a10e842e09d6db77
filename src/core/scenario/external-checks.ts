/** Validation of a scenario's `external` block against the rest of it (run by scenario-checks.ts). */
import type { Scenario } from './scenario.ts';
import type { ScenarioIssue } from './scenario-issue.ts';
import { MAX_TOPIC_NAME, MIN_COMMAND_TIMEOUT_SECONDS, RUN_NAME_SUFFIX_MAX } from './external.ts';
import { remoteTopicName } from '../kafka/replication-policy.ts';
import { clusterNames } from '../kafka/network-layout.ts';

/** What a drill on external clusters cannot do: the harness runs neither their brokers nor their MM2. */
export function externalIssues(s: Scenario): ScenarioIssue[] {
  if (!s.external) return [];
  const issues: ScenarioIssue[] = [];
  if (s.playbook !== undefined) {
    issues.push({ path: ['playbook'], input: s.playbook, message: 'a playbook starts and stops mirrors the harness runs: with external clusters use `timeline` (its kill-primary runs external.primary.killCommand, or cuts the test clients off)' });
  }
  s.timeline.forEach((step, i) => {
    const a = step.action;
    if (a === 'kill-primary') return;
    if ('link' in a && a.link.startsWith('clients-')) return;
    issues.push({ path: ['timeline', i, 'action'], input: a, message: `with external clusters the harness faults only its own clients' links (clients-primary, clients-backup): it runs neither the brokers nor MM2 of "${a.fault}"` });
  });
  if (s.failover.crossCheck) issues.push({ path: ['failover', 'crossCheck'], input: true, message: 'the cross-check runs inside the harness\'s MM2 container; external clusters have none' });
  for (const c of clusterNames) {
    const x = s.external[c];
    if (x.restoreCommand && !x.killCommand) issues.push({ path: ['external', c, 'restoreCommand'], input: x.restoreCommand, message: 'a restoreCommand undoes a killCommand: give both, or neither' });
    if (x.killCommand && !x.restoreCommand && !x.noRestore) {
      // The missing field is named (a command is not echoed: it may hold a token).
      issues.push({ path: ['external', c, 'restoreCommand'], input: undefined, message: `a killCommand without a restoreCommand leaves the ${c} down after the drill: give external.${c}.restoreCommand (the command that brings it back), or set \`external.${c}.noRestore: true\` if it is to stay down` });
    }
    if (x.noRestore && (x.restoreCommand || !x.killCommand)) {
      issues.push({ path: ['external', c, 'noRestore'], input: true, message: 'noRestore says a killCommand is not undone: give it with a killCommand and without a restoreCommand' });
    }
    const runs = Object.values(s.matrix).reduce((n, v) => n * v.length, 1) * s.repeat;
    if (x.noRestore && x.killCommand && runs > 1) {
      issues.push({ path: ['external', c, 'noRestore'], input: true, message: `the ${c} stays down after the first cell run, and this drill has ${runs} (matrix × repeat): give a restoreCommand, or run one cell once` });
    }
  }
  if (s.external.commandTimeoutSeconds < MIN_COMMAND_TIMEOUT_SECONDS) {
    issues.push({ path: ['external', 'commandTimeoutSeconds'], input: s.external.commandTimeoutSeconds, message: `at least ${MIN_COMMAND_TIMEOUT_SECONDS} s: a kill or restore of a real cluster takes seconds, and a shorter bound stops it half-way` });
  }
  s.topics.forEach((t, i) => {
    const named = `${t.name}-<runId>-<n>`;
    const remote = remoteTopicName(s.mirror.policy, named, s.external!.mirror.sourceAlias) ?? named;
    const longest = remote.length - '-<runId>-<n>'.length + RUN_NAME_SUFFIX_MAX;
    if (longest > MAX_TOPIC_NAME) {
      issues.push({ path: ['topics', i, 'name'], input: t.name, message: `on external clusters this topic is ${named} and its remote topic ${remote}: up to ${longest} characters, more than Kafka's ${MAX_TOPIC_NAME}; use a name of at most ${t.name.length - (longest - MAX_TOPIC_NAME)} characters` });
    }
  });
  return issues;
}


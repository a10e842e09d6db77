/**
 * The producer's SASL password on producer hosts (`workload.hosts`): it never crosses the shared
 * directory. The directory is a volume or a mount other jobs may read, and its files outlive a
 * crashed drill; a team's password does not belong there. The drill writes the recipe without it,
 * naming the variable a host reads it from — `MM2_DRILL_PASSWORD_PRODUCER`, the variable that
 * already sets the producer's password on the drill's own secured clusters (core/kafka/security.ts)
 * — and each host fills it from its own environment, where a CI secret or a Kubernetes Secret puts
 * it. The drill checks its own environment holds the same password its producer uses, so that a
 * host given that value authenticates as the drill's producer does.
 */
import { DrillError } from '../../core/errors.ts';
import { passwordVariable } from '../../core/kafka/security.ts';
import { rememberSecrets } from '../secrets.ts';
import type { SASLOptions } from 'kafkajs';
import type { ClientRecipe } from './kafka-client.ts';

/** The variable a producer host reads the producer's SASL password from. */
export const HOST_PASSWORD_VARIABLE = passwordVariable('producer');

/** SASL with a password: PLAIN and SCRAM, the mechanisms a drill's clients use. */
type PasswordSasl = Extract<SASLOptions, { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' }>;

const withPassword = new Set(['plain', 'scram-sha-256', 'scram-sha-512']);
const isPasswordSasl = (sasl: ClientRecipe['config']['sasl']): sasl is PasswordSasl => sasl !== undefined && withPassword.has(sasl.mechanism) && 'password' in sasl;

/** The recipe's SASL settings when they carry a password, or null. */
const passwordSasl = (r: ClientRecipe): PasswordSasl | null => (isPasswordSasl(r.config.sasl) ? r.config.sasl : null);

/**
 * The recipe as a host's start carries it: its SASL password empty, with the variable to read
 * it from. A recipe without SASL is unchanged. Throws when this machine's variable is not the
 * password the drill's producer uses: the hosts would be refused, or be another principal.
 */
export function withheldPassword(r: ClientRecipe, env: NodeJS.ProcessEnv = process.env): ClientRecipe {
  const sasl = passwordSasl(r);
  if (!sasl) return r;
  if (env[HOST_PASSWORD_VARIABLE] !== sasl.password) {
    throw new DrillError('HOST_PASSWORD_UNSET', `producer hosts on a SASL cluster read the producer's password from ${HOST_PASSWORD_VARIABLE} in their own environment (the drill never writes it to the shared directory), and on this machine ${HOST_PASSWORD_VARIABLE} ${env[HOST_PASSWORD_VARIABLE] === undefined ? 'is not set' : "is not the password the drill's producer uses"}`, {
      fix: `set ${HOST_PASSWORD_VARIABLE} to the producer's password on this machine and on every host (the drill's own secured clusters then use it; on external clusters it is the scenario's sasl.password)`,
    });
  }
  return { ...r, config: { ...r.config, sasl: { ...sasl, password: '' } }, passwordFrom: HOST_PASSWORD_VARIABLE };
}

/** On the host: the recipe with the password its start left out, from this machine's environment. */
export function filledPassword(r: ClientRecipe, env: NodeJS.ProcessEnv = process.env): ClientRecipe {
  if (!r.passwordFrom) return r;
  const password = env[r.passwordFrom];
  if (password === undefined) {
    throw new DrillError('HOST_PASSWORD_UNSET', `the drill's clusters need the producer's SASL password, and ${r.passwordFrom} is not set on this host`, {
      fix: `set ${r.passwordFrom} in this host's environment (a CI secret, a Kubernetes Secret): the drill never writes the password to the shared directory`,
    });
  }
  rememberSecrets([password]);
  const sasl = passwordSasl(r);
  const { passwordFrom: _from, ...rest } = r;
  return sasl ? { ...rest, config: { ...r.config, sasl: { ...sasl, password } } } : rest;
}

/**
 * The redaction rules every output goes through (core/redaction.ts): secret keys with and without
 * cluster prefixes, URL user-info, credentials in command text, known values, matrix ids, and
 * validation's "found …" echoes; then the writers and printers that apply them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../src/core/plan/matrix.ts';
import { isSecretKey, REDACTED, redactor, redactText, secretsOf } from '../../src/core/redaction.ts';
import { parseScenario } from '../../src/core/scenario/validate.ts';
import { rememberSecrets } from '../../src/adapters/secrets.ts';
import { writeJson } from '../../src/run/run-dir.ts';
import { HistoryRecorder } from '../../src/adapters/recorder.ts';
import { logConsumer } from '../../src/adapters/containers/container-logs.ts';
import { consoleProgress } from '../../src/run/progress.ts';

describe('keys that name a secret', () => {
  it('with and without cluster and client prefixes', () => {
    for (const key of [
      'sasl.password', 'sasl.jaas.config', 'backup.sasl.jaas.config', 'primary->backup.sasl.jaas.config', 'ssl.keystore.password', 'ssl.truststore.password',
      'ssl.key.password', 'primary.producer.ssl.key.password', 'backup.consumer.basic.auth.user.info', 'basic.auth.user.info', 'confluent.license',
      'config.providers.vault.param.token', 'primary.config.providers.vault.param.address', 'sasl.oauthbearer.client.secret', 'ssl.keystore.key', 'password',
    ]) expect(isSecretKey(key), key).toBe(true);
  });

  it('and not a topic-partition of a topic named with such a word', () => {
    const events = { type: 'commit', offsets: { 'password-resets/0': '42' } };
    expect(redactor().json(events)).toEqual(events);
    const checkpoint = { type: 'checkpoint', key: 'token-service-group/orders/0', value: '00ab' };
    expect(redactor().json(checkpoint)).toEqual(checkpoint);
    expect(redactText('topic payment-token-events on the backup')).toBe('topic payment-token-events on the backup');
  });

  it('and not the settings a drill reads', () => {
    for (const key of ['offset.lag.max', 'emit.checkpoints.interval.seconds', 'topics', 'primary->backup.topics.exclude', 'replication.policy.class', 'key', 'keys', 'config.providers', 'config.providers.vault.class', 'ssl.truststore.location']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('secrets in free text', () => {
  it.each([
    ['a JAAS line', 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="mm2" password="Jaas-Pw-1";', 'Jaas-Pw-1'],
    ['a URL with user-info', 'schema.registry.url=https://svc:Url-Pw-2@registry.internal:8081', 'Url-Pw-2'],
    ['a --token flag', ': --token Kill-Tok-3; docker kill 4f2a', 'Kill-Tok-3'],
    ['a --password= flag', 'stop-cluster --password=Flag-Pw-4 east', 'Flag-Pw-4'],
    ['an Authorization header', 'curl -H "Authorization: Bearer Bear-Tok-5" https://ops/stop', 'Bear-Tok-5'],
    ['curl -u', 'curl -u admin:Curl-Pw-6 https://ops/stop', 'Curl-Pw-6'],
    ['an assignment', 'OPS_TOKEN=Env-Tok-7 ./stop.sh', 'Env-Tok-7'],
    ['a JSON field', '{"sasl.password":"Json-Pw-8"}', 'Json-Pw-8'],
  ])('%s', (_, text, secret) => {
    const shown = redactText(text);
    expect(shown).not.toContain(secret);
    expect(shown).toContain(REDACTED);
  });

  it('keeps what is no secret: variable references, messages, the user of a URL, matrix labels', () => {
    const command = 'curl -H "Authorization: Bearer $OPS_TOKEN" --token ${TOKEN} https://ops/stop';
    expect(redactText(command)).toBe(command);
    const message = '  - external.primary.sasl.password: expected string, received number';
    expect(redactText(message)).toBe(message);
    expect(redactText('https://svc:pw-123@host')).toBe(`https://svc:${REDACTED}@host`);
    expect(redactText('external.primary.sasl.password=redacted-2')).toBe('external.primary.sasl.password=redacted-2');
    expect(redactText('ssl.keystore.password = [hidden]')).toBe('ssl.keystore.password = [hidden]');
  });

  it('leaves text it redacted as it is when it goes through the rules again (a message printed after it was formatted)', () => {
    for (const text of ['sasl.jaas.config = x password="Pw-1"; --token Tok-2 https://u:Pw-3@h curl -u a:Pw-4', 'basic.auth.user.info = svc:Pw-5: the drill cannot']) {
      const once = redactText(text);
      expect(redactText(once)).toBe(once);
      expect(once).not.toMatch(/\)\)/);
    }
  });

  it('replaces known values wherever they are, the longest first', () => {
    const r = redactor(['Known-Secret-9', 'Known-Secret-9-longer', 'short']);
    expect(r.text('echo Known-Secret-9-longer; id=Known-Secret-9')).toBe(`echo ${REDACTED}; id=${REDACTED}`);
    // Too short to be told from ordinary words: left to the key and shape rules.
    expect(r.text('a short line')).toBe('a short line');
  });
});

describe('secrets in JSON', () => {
  it('hides the values of secret keys and of property changes naming one, keeps their names and reasons', () => {
    const value = {
      mirrorSettings: { 'backup.consumer.basic.auth.user.info': 'svc:Basic-Pw-1', 'offset.lag.max': 100, 'schema.registry.url': 'https://svc:Url-Pw-2@r:8081', 'sync.group.offsets.enabled': true },
      changes: [{ key: 'confluent.license', fileKey: 'confluent.license', fileValue: 'Lic-3', value: 'Lic-3', reason: 'kept' }],
      entries: { 'primary.config.providers.vault.param.token': { fileKey: 'east.config.providers.vault.param.token', value: 'Vault-Tok-4' } },
      values: { 'external.primary.sasl.password': 'Sasl-Pw-5' },
    };
    const shown = redactor().json(value);
    expect(JSON.stringify(shown)).not.toMatch(/Basic-Pw-1|Url-Pw-2|Lic-3|Vault-Tok-4|Sasl-Pw-5/);
    expect(shown.mirrorSettings['offset.lag.max']).toBe(100);
    expect(shown.mirrorSettings['sync.group.offsets.enabled']).toBe(true);
    expect(shown.changes[0]).toMatchObject({ key: 'confluent.license', fileKey: 'confluent.license', fileValue: REDACTED, value: REDACTED, reason: 'kept' });
    expect(shown.entries['primary.config.providers.vault.param.token']).toEqual({ fileKey: 'east.config.providers.vault.param.token', value: REDACTED });
    // The input is left as it was: MM2 runs with the real values.
    expect(value.mirrorSettings['backup.consumer.basic.auth.user.info']).toBe('svc:Basic-Pw-1');
    expect(secretsOf(value).sort()).toEqual(['Basic-Pw-1', 'Lic-3', 'Sasl-Pw-5', 'Url-Pw-2', 'Vault-Tok-4', 'svc:Basic-Pw-1']);
  });
});

const external = (primary: Record<string, unknown> = {}) => ({
  primary: { bootstrapServers: 'kafka-east:9093', sasl: { mechanism: 'plain', username: 'drill', password: 'Sasl-Pw-0' }, ...primary },
  backup: { bootstrapServers: 'kafka-west:9093' },
  mirror: { sourceAlias: 'east' },
});
const base = { name: 'staging', topics: [{ name: 'drill-orders' }] };

describe('validation and the matrix never show a secret', () => {
  it('a numeric sasl.password is not echoed ("found …")', () => {
    const msg = (() => {
      try {
        parseScenario({ ...base, external: external({ sasl: { mechanism: 'plain', username: 'drill', password: 80417263 } }) }, 'staging.ts');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected a rejection');
    })();
    expect(msg).toContain('external.primary.sasl.password: ');
    expect(msg).not.toContain('80417263');
  });

  it('a matrix over a secret path, or over commands with a token: distinct ids without the secret', () => {
    const cells = expandMatrix({ ...base, external: external(), matrix: { 'external.primary.sasl.password': ['Matrix-Pw-1', 'Matrix-Pw-2'] } } as never, 'staging.ts');
    expect(cells.map((c) => c.id)).toEqual(['external.primary.sasl.password=redacted-1', 'external.primary.sasl.password=redacted-2']);
    const commands = expandMatrix({
      ...base, external: external({ killCommand: './stop.sh', restoreCommand: './start.sh' }),
      matrix: { 'external.primary.killCommand': ['./stop.sh --token Cmd-Tok-1', './stop.sh --token Cmd-Tok-2'], 'workload.ratePerSecond': [100] },
    } as never, 'staging.ts');
    expect(commands.map((c) => c.id)).toEqual(['external.primary.killCommand=redacted-1,workload.ratePerSecond=100', 'external.primary.killCommand=redacted-2,workload.ratePerSecond=100']);
    expect(secretsOf(commands)).toEqual(expect.arrayContaining(['Sasl-Pw-0', 'Cmd-Tok-1', 'Cmd-Tok-2']));
  });
});

describe('the writers and printers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-redaction-'));
  rememberSecrets(['Planted-Value-42']);

  it('results.json and scenario.json (writeJson): by key, by shape and by value', () => {
    writeJson(join(dir, 'x.json'), { mirrorSettings: { 'confluent.license': 'Lic-Key-7' }, error: 'STEP_FAILED: `./stop.sh --token Tok-8` exited 1', detail: 'echo Planted-Value-42' });
    const text = readFileSync(join(dir, 'x.json'), 'utf8');
    expect(text).not.toMatch(/Lic-Key-7|Tok-8|Planted-Value-42/);
  });

  it('history.ndjson, while the checker still reads the event as it happened', async () => {
    const rec = new HistoryRecorder(join(dir, 'history.ndjson'));
    const event = rec.forCell('c').emit({ type: 'kill', cluster: 'primary', signal: 'ran killCommand `Planted-Value-42`' } as never);
    await rec.close();
    expect(readFileSync(join(dir, 'history.ndjson'), 'utf8')).not.toContain('Planted-Value-42');
    expect(JSON.stringify(event)).toContain('Planted-Value-42');
  });

  it('log files, a secret split across two chunks included', async () => {
    const stream = new PassThrough();
    logConsumer(join(dir, 'mm2.log'))(stream);
    stream.write('INFO sasl.jaas.config = x password="Log-Pw-1"; Planted-Val');
    stream.write('ue-42 echoed\nlast line Planted-Value-42');
    stream.end();
    await new Promise((r) => setTimeout(r, 100));
    const text = readFileSync(join(dir, 'mm2.log'), 'utf8');
    expect(text).toContain('echoed\nlast line');
    expect(text).not.toMatch(/Log-Pw-1|Planted-Value-42/);
  });

  it('the terminal progress', () => {
    let printed = '';
    const progress = consoleProgress({ isTTY: false, write: (s: string) => ((printed += s), true) } as unknown as NodeJS.WriteStream);
    progress.event('ran killCommand `curl -u ops:Term-Pw-3 https://ops/stop`');
    progress.info('Planted-Value-42');
    expect(printed).not.toMatch(/Term-Pw-3|Planted-Value-42/);
  });
});

/**
 * Loading scenario files: what only the file system can tell (custom policy files relative to
 * the scenario), and the limit on cell runs with `--force` and `--only`.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/cli/load-scenario.ts';
import { DrillError } from '../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'load-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes a scenario file (plain data, no imports) and returns its path. */
const scenarioFile = (scenario: object): string => {
  const file = join(dir, `s${n++}.ts`);
  writeFileSync(file, `export default ${JSON.stringify(scenario)};\n`);
  return file;
};
const policy = (p: object) => ({ name: 'p', mirror: { policy: 'mine', customPolicies: { mine: { class: 'x.Mine', ...p } } } });

const rejection = async (file: string, opts = {}): Promise<DrillError> => {
  try {
    await loadScenario(file, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DrillError);
    return e as DrillError;
  }
  throw new Error('expected the scenario to be rejected');
};

describe('custom policy files', () => {
  it('rejects a jar that does not exist, naming the field, the resolved path and the fix', async () => {
    const e = await rejection(scenarioFile(policy({ jar: 'libs/mine.jar' })));
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.message).toContain(`mirror.customPolicies.mine.jar: expected a file at ${join(dir, 'libs/mine.jar')} ("libs/mine.jar" relative to the scenario's directory ${dir}), found nothing`);
    expect(e.fix).toContain('relative to the scenario file');
  });

  it('rejects a source that does not exist, and a directory in place of a file', async () => {
    expect((await rejection(scenarioFile(policy({ source: 'Mine.java' })))).message).toContain('mirror.customPolicies.mine.source:');
    mkdirSync(join(dir, 'a-dir.jar'));
    expect((await rejection(scenarioFile(policy({ jar: 'a-dir.jar' })))).message).toContain('found a directory');
  });

  it('accepts files relative to the scenario, not to the working directory', async () => {
    writeFileSync(join(dir, 'mine.jar'), '');
    expect(await loadScenario(scenarioFile(policy({ jar: 'mine.jar' })))).toHaveLength(1);
  });

  it('loads every shipped scenario (their policy sources exist)', async () => {
    for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.ts'))) {
      expect((await loadScenario(join('scenarios', f))).length, f).toBeGreaterThan(0);
    }
  });
});

describe('cell-run limit', () => {
  const big = scenarioFile({ name: 'big', matrix: { 'mirror.policy': ['default', 'identity'], 'mirror.offsetLagMax': Array.from({ length: 150 }, (_, i) => i) } });

  it('refuses a matrix of more than 200 cell runs unless forced', async () => {
    expect((await rejection(big)).message).toMatch(/^matrix: 300 cell runs .* more than the limit of 200 cell runs$/);
    expect(await loadScenario(big, { force: true })).toHaveLength(300);
  });

  it('counts the cells --only keeps', async () => {
    expect(await loadScenario(big, { only: 'policy=identity' })).toHaveLength(150);
    const e = await rejection(big, { only: 'policy=identity', repeat: 2 });
    expect(e.message).toBe('matrix: 300 cell runs (150 cell(s) kept by --only policy=identity, × repeat 2), more than the limit of 200 cell runs');
  });

  it('counts --repeat and --set', async () => {
    expect((await rejection(scenarioFile({ name: 'r' }), { repeat: 100, set: ['mirror.offsetLagMax=1,2,3'] })).message).toMatch(/^matrix: 300 cell runs/);
  });
});

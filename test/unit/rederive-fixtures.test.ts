/**
 * Recorded run directories re-derived by `report`: the figures a team gates on (counts, statuses,
 * verdicts, attribution, bounds, the round trip's absences) must come out the same from the same
 * history, whatever the code's layout. Each fixture is a real run's results.json, scenario.json
 * and history (gzipped); `rederived.json` beside it pins what the current code derives from it.
 */
import { cpSync, mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rederive } from '../../src/run/reports.ts';
import type { CellResult } from '../../src/core/results/results.ts';

const root = join(import.meta.dirname, '..', 'fixtures', 'runs');

/** What a team reads and gates on, per cell run. */
const figures = (c: CellResult) => ({
  key: c.key,
  status: c.status,
  counts: c.counts,
  failoverGapMs: c.failoverGapMs,
  atKill: c.atKill,
  expected: c.expected && { holds: c.expected.holds, maxDuplicates: c.expected.maxDuplicates, measuredDuplicates: c.expected.measuredDuplicates, measuredSkipped: c.expected.measuredSkipped, evidence: c.expected.evidence },
  attribution: c.attribution,
  consistency: c.consistency?.checks.map((x) => `${x.name}: ${x.verdict}`),
  checks: c.checks.map((x) => `${x.figure} ${x.expression}: ${String(x.value)} ${x.verdict}`),
  roundTrip: c.roundTrip && { counts: c.roundTrip.counts, absent: c.roundTrip.absent, stranded: c.roundTrip.stranded, failoverGapMs: c.roundTrip.failoverGapMs },
});

describe('recorded runs re-derived', () => {
  for (const name of readdirSync(root)) {
    it(`${name}: the same figures from the same history`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `mm2-drill-rederive-${name}-`));
      cpSync(join(root, name, 'results.json'), join(dir, 'results.json'));
      cpSync(join(root, name, 'scenario.json'), join(dir, 'scenario.json'));
      writeFileSync(join(dir, 'history.ndjson'), gunzipSync(readFileSync(join(root, name, 'history.ndjson.gz'))));
      const { results } = rederive(dir);
      expect(results.cells.length).toBeGreaterThan(0);
      await expect(`${JSON.stringify({ status: results.status, cells: results.cells.map(figures) }, null, 2)}\n`).toMatchFileSnapshot(join(root, name, 'rederived.json'));
    });
  }
});

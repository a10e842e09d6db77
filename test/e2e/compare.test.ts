/**
 * "Are we better or worse than last time?": two real runs of one scenario, two repetitions each,
 * then `compare`. Every figure it shows is recomputed here from each run's results.json (counts,
 * failover gap, lag at the kill), the change is B − A, and each flag follows from the spreads by
 * the definition in docs/cli.md. The scenario's thresholds over repetitions are checked against
 * the median, mean, min and max of the repetitions' own counts.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { CellResult, RunResults } from '../../src/core/results/results.ts';
import { runCli, runDrill, tempResultsDir } from './helpers.ts';

interface Stat { median: number; min: number; max: number; n: number; unknown: number }
interface Row { figure: string; a: Stat | null; b: Stat | null; change: number | null; flag: string }
interface Comparison { scenario: string; cells: { cellId: string; runs: { a: number; b: number }; figures: Row[] }[]; onlyInA: string[]; onlyInB: string[]; regressions: string[] }

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Each figure compare may show, read from a cell run as results.json holds it (null: not measured). */
const read: Record<string, (c: CellResult) => number | null> = {
  failoverGapSeconds: (c) => (c.failoverGapMs === null ? null : c.failoverGapMs / 1000),
  failoverRemainderSeconds: (c) => (c.failoverRemainderMs === null ? null : c.failoverRemainderMs / 1000),
  lagAtKillMessages: (c) => c.atKill.lagMessages,
  groupSyncAgeSeconds: (c) => (c.atKill.groupSyncAgeMs === null ? null : c.atKill.groupSyncAgeMs / 1000),
  achievedRateRatio: (c) => {
    const ratios = (c.workloadRates ?? []).flatMap((r) => (typeof r.ratio === 'number' ? [r.ratio] : []));
    return ratios.length ? Math.min(...ratios) : null;
  },
  translationAheadMax: (c) => c.translation?.error?.max ?? null,
};
const valueOf = (c: CellResult, figure: string): number | null => {
  if (read[figure]) return read[figure](c);
  // The failover's duplicates or skips of one cause: `duplicated by sync-lag`.
  const [kind, cause] = figure.split(' by ');
  if (cause !== undefined) {
    const m = c.attribution?.[kind === 'duplicated' ? 'duplicates' : 'skips'].parts.find((p) => p.cause === cause)?.messages;
    return typeof m === 'number' ? m : null;
  }
  const v = (c.counts as Record<string, number | 'unknown'> | null)?.[figure];
  return typeof v === 'number' ? v : null;
};

/** The figure's median, min and max over the repetitions of a run, from its results.json. */
function statOf(r: RunResults, figure: string): Stat | null {
  const xs = r.cells.flatMap((c) => {
    const v = valueOf(c, figure);
    return v === null ? [] : [v];
  });
  return xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, unknown: r.cells.length - xs.length } : null;
}

/** The flag by the documented definition: beyond the spread when each median is outside the other's [min, max], ≥ 2 repetitions a side. */
function expectedFlag(a: Stat | null, b: Stat | null, figure: string): string {
  if (!a || !b) return 'unknown';
  if (a.n < 2 || b.n < 2) return 'spread-unknown';
  const inside = (x: number, s: Stat) => x >= s.min && x <= s.max;
  if (inside(b.median, a) || inside(a.median, b)) return 'within-spread';
  if (['acked', 'exactlyOnce', 'alarmsFired', 'translationAheadMax'].includes(figure)) return 'changed';
  const higherBetter = figure === 'achievedRateRatio' || figure.endsWith('AlarmLeadSeconds');
  return (b.median > a.median) !== higherBetter ? 'worse' : 'better';
}

const compareJson = async (a: string, b: string, extra: string[] = []) => {
  const r = await runCli(['compare', a, b, '--json', ...extra], { timeoutMs: 60_000 });
  return { code: r.code, stderr: r.stderr, json: r.code === 0 || r.code === 1 ? (JSON.parse(r.stdout) as Comparison) : null };
};

/** Every row of the comparison equals what the two runs' results.json say, B − A, with the flag the spreads call for. */
function expectFaithful(cmp: Comparison, a: RunResults, b: RunResults): void {
  expect(cmp.cells.map((c) => c.cellId)).toEqual(['default']);
  const rows = cmp.cells[0]!.figures;
  // The headline figures of a failover drill are all there.
  for (const f of ['lost', 'skipped', 'unreached', 'duplicated', 'duplicatedByFailover', 'notReplicated', 'failoverGapSeconds']) expect(rows.map((r) => r.figure)).toContain(f);
  // The failover's duplicates by cause are there too, as many as the runs attributed.
  expect(rows.filter((r) => r.figure.startsWith('duplicated by ')).length).toBeGreaterThan(0);
  for (const row of rows) {
    const sa = statOf(a, row.figure);
    const sb = statOf(b, row.figure);
    expect(row.a, `${row.figure} A`).toEqual(sa);
    expect(row.b, `${row.figure} B`).toEqual(sb);
    if (sa && sb) expect(row.change!, row.figure).toBeCloseTo(sb.median - sa.median, 9);
    else expect(row.change).toBeNull();
    expect(row.flag, row.figure).toBe(expectedFlag(sa, sb, row.figure));
  }
  expect(cmp.regressions).toEqual(rows.filter((r) => r.flag === 'worse').map((r) => `default: ${r.figure}`));
}

it('compares two real runs figure by figure, flags only changes beyond the spread, and judges thresholds over the repetitions', async () => {
  const fixture = 'test/fixtures/short-repeated.ts';
  const A = await runDrill(fixture, 'short-repeated', ['--repeat', '2'], 900_000);
  const B = await runDrill(fixture, 'short-repeated', ['--repeat', '2'], 900_000);

  for (const run of [A, B]) {
    // Both repetitions finished and measured what a failover drill measures.
    expect(run.results.cells.map((c) => c.status), run.stderr).toEqual(['passed', 'passed']);
    const counts = run.results.cells.map((c) => c.counts!);
    for (const c of counts) expect(c.acked).toBeGreaterThan(0);
    // Thresholds over repetitions: the statistic of the repetitions' own counts, and its verdict.
    const checks = run.results.summary[0]!.checks!;
    const dup = counts.map((c) => c.duplicated as number);
    const lost = counts.map((c) => c.lost as number);
    const acked = counts.map((c) => c.acked);
    expect(checks.map((x) => [x.figure, x.over, x.value, x.verdict, x.runs])).toEqual([
      ['duplicated', 'median', median(dup), 'pass', 2],
      ['duplicated', 'max', Math.max(...dup), 'pass', 2],
      ['lost', 'mean', (lost[0]! + lost[1]!) / 2, 'pass', 2],
      ['acked', 'min', Math.min(...acked), 'fail', 2],
    ]);
    // The per-repetition check of the same figure (`each`) keeps judging each run alone.
    for (const c of run.results.cells) expect(c.checks.map((x) => [x.figure, x.value])).toEqual([['lost', c.counts!.lost]]);
    // Every repetition passed its own checks; the run fails on the threshold over repetitions alone.
    expect(run.results.status).toBe('failed');
    expect(run.code).toBe(1);
    const junit = readFileSync(join(run.dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase name="default: threshold: acked \(min\)" classname="mm2-drill\.short-repeated"[^>]*>\s*<failure message="min of acked over 2 repetition\(s\) = \d+/);
    expect(junit).toMatch(/<testcase name="default: threshold: duplicated \(median\)" classname="mm2-drill\.short-repeated" time="0\.000"\/>/);
    expect(readFileSync(join(run.dir, 'summary.md'), 'utf8')).toContain(`| ❌ | default (min of 2 runs) | acked | min &lt;1 | ${Math.min(...acked)} |`);
    expect(run.stdout).toMatch(/✗ default \(min of 2 runs\)\s+— min of acked over 2 repetition\(s\)/);
  }

  const md = join(tempResultsDir(), 'compare.md');
  const ab = await compareJson(A.dir, B.dir, ['--md', md]);
  expect(ab.code, ab.stderr).toBe(0);
  expectFaithful(ab.json!, A.results, B.results);
  expect(readFileSync(md, 'utf8')).toContain('| duplicated |');
  // The gate exits 1 exactly when a figure got worse beyond the spread.
  const gated = await runCli(['compare', A.dir, B.dir, '--fail-on-regression'], { timeoutMs: 60_000 });
  expect(gated.code).toBe(ab.json!.regressions.length ? 1 : 0);
  const dupA = statOf(A.results, 'duplicated')!;
  const dupB = statOf(B.results, 'duplicated')!;
  // The terminal shows the same numbers: median (min–max) n=2 of each side.
  const line = gated.stdout.split('\n').find((l) => /^│ duplicated\s/.test(l))!;
  expect(line).toContain(`${dupA.median} (${dupA.min}–${dupA.max}) n=2`);
  expect(line).toContain(`${dupB.median} (${dupB.min}–${dupB.max}) n=2`);

  // A run against itself: every median is inside its own range, so nothing is beyond the spread.
  const aa = await compareJson(A.dir, A.dir, ['--fail-on-regression']);
  expect(aa.code).toBe(0);
  expectFaithful(aa.json!, A.results, A.results);
  expect(aa.json!.cells[0]!.figures.find((f) => f.figure === 'duplicated')!.flag).toBe('within-spread');
  expect(aa.json!.regressions).toEqual([]);

  // A regression for certain: a copy of run B whose duplicates are raised above everything A
  // measured (the only edit; compare reads results.json as a run wrote it). It proves the gate and
  // the direction, which two honest runs of an unchanged setup cannot be relied on to show.
  const worse = join(tempResultsDir(), 'worse');
  cpSync(B.dir, worse, { recursive: true });
  const edited = JSON.parse(readFileSync(join(worse, 'results.json'), 'utf8')) as RunResults;
  edited.cells.forEach((c, i) => { c.counts!.duplicated = dupA.max + 1000 + i; });
  writeFileSync(join(worse, 'results.json'), JSON.stringify(edited));
  const aw = await compareJson(A.dir, worse, ['--fail-on-regression']);
  expect(aw.code).toBe(1);
  expectFaithful(aw.json!, A.results, edited);
  expect(aw.json!.regressions).toContain('default: duplicated');
  const wa = await compareJson(worse, A.dir, ['--fail-on-regression']);
  expect(wa.json!.cells[0]!.figures.find((f) => f.figure === 'duplicated')!.flag).toBe('better');
  // One repetition on a side: its spread is unknown, nothing is flagged.
  const single = join(tempResultsDir(), 'single');
  cpSync(worse, single, { recursive: true });
  writeFileSync(join(single, 'results.json'), JSON.stringify({ ...edited, cells: edited.cells.slice(0, 1) }));
  const as = await compareJson(A.dir, single, ['--fail-on-regression']);
  expect(as.code).toBe(0);
  expectFaithful(as.json!, A.results, { ...edited, cells: edited.cells.slice(0, 1) });
  expect(as.json!.cells[0]!.figures.find((f) => f.figure === 'duplicated')!.flag).toBe('spread-unknown');
  expect(as.json!.regressions).toEqual([]);

  // Refusals name the problem and the fix, exit 2.
  const notRun = await runCli(['compare', A.dir, tempResultsDir()], { timeoutMs: 60_000 });
  expect(notRun.code).toBe(2);
  expect(notRun.stderr).toMatch(/RUN_DIR_INVALID: B .* is not a run directory[\s\S]*fix: /);
  const other = await runCli(['compare', A.dir, 'test/fixtures/runs/short-transactional'], { timeoutMs: 60_000 });
  expect(other.code).toBe(2);
  expect(other.stderr).toMatch(/COMPARE_MISMATCH: the runs drilled different scenarios: "short-repeated" .* and "short"[\s\S]*fix: /);
  expect(existsSync(join(A.dir, 'results.json'))).toBe(true);
}, 1_900_000);

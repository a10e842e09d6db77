/**
 * A drill whose thresholds fail: exit code 1, a JUnit failure, and a report.html that a real
 * headless Chromium renders with its table and charts. `report` re-renders it from the history.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { RunResults } from '../../src/core/results/results.ts';
import { readResults, runCli, runDrill } from './helpers.ts';
import { enlargedCopy, tornCopy } from './run-dir-copies.ts';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let code: number | null;
let stdout: string;

beforeAll(async () => {
  // A failover always re-delivers something, so "duplicated <0" must fail; "skipped ==0" must pass.
  ({ code, stdout, dir } = await runDrill('test/fixtures/short.ts', 'short', ['--set', 'thresholds.duplicated=<0', '--set', 'thresholds.skipped===0'], 300_000));
}, 320_000);

it('exits 1 when a threshold fails, and says which', () => {
  expect(code).toBe(1);
  const r = readResults(dir);
  expect(r.status).toBe('failed');
  const checks = r.cells[0]!.checks;
  expect(checks.find((c) => c.figure === 'duplicated')?.verdict).toBe('fail');
  expect(checks.find((c) => c.figure === 'skipped')?.verdict).toBe('pass');
  // The compact summary: the cell run's ✗ line names the failed threshold with its measured value; a passing one is not listed.
  expect(stdout).toMatch(/^✗ default#1 .*— duplicated = \d+, threshold duplicated < 0$/m);
  expect(stdout).not.toContain('threshold skipped');
  expect(stdout).toMatch(/^FAILED: 1 ✗ failed of 1 cell run\(s\) — /m);
});

it('writes summary.md and a junit.xml with the failing threshold as a failure', () => {
  expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| ❌ |');
  const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
  // Names without the threshold's value (a CI's test history survives a changed threshold); the value is in the message.
  expect(junit).toMatch(/<testcase name="default#1: threshold: duplicated"[^>]*>\s*<failure message="duplicated = \d+, threshold duplicated &lt; 0"/);
  expect(junit).toMatch(/<testcase name="default#1: threshold: skipped" classname="mm2-drill\.short" time="0\.000"\/>/);
  // The drill's own time goes to one `drill` case; the checks, evaluated afterwards, take none.
  expect(junit).toMatch(/<testcase name="default#1: drill" classname="mm2-drill\.short" time="[1-9]\d*\.\d{3}"\/>/);
  expect(junit).toContain('failures="1"');
});

it('renders report.html in headless Chromium: the verdict and cards on the first page, and painted charts', async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm run setup\` (installs Debian's chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${join(dir, 'report.html')}`);
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    // One cell run: its page is the first page — no matrix, no contents, no comparison chart; the
    // run's verdict, then the cell run's, its cards and its thresholds, the failed one with its limit and value.
    expect(await page.locator('table.matrix').count()).toBe(0);
    expect(await page.locator('nav.toc').count()).toBe(0);
    expect(await page.locator('p.run-verdict').textContent()).toMatch(/^FAILED: 1 cell run \(1 failed\); /);
    expect(await page.locator('section#cell-0 p.verdict').textContent()).toMatch(/ Failed: duplicated = \d+, threshold duplicated < 0\.$/);
    expect(await page.locator('section#cell-0 table.cell-checks tr.check-fail td').allTextContents()).toEqual(['duplicated', '< 0', expect.stringMatching(/^\d+$/), 'fail']);
    const cardsTop = (await page.locator('section#cell-0 .cards').boundingBox())!.y;
    expect(cardsTop).toBeLessThan(900); // on the first screen
    expect(cardsTop).toBeLessThan((await page.locator('canvas').first().boundingBox())!.y);
    // Every chart drew something: some canvas pixels are not transparent.
    const painted = await page.$$eval('canvas', (els) =>
      els.map((c) => {
        const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      }),
    );
    // The cell's timeline and its per-partition chart (one cell compares with nothing), and MM2's
    // translation error over time when the drill read any checkpoint of the group.
    const checkpoints = readResults(dir).cells[0]!.translation?.points.length ?? 0;
    expect(painted).toHaveLength(checkpoints > 0 ? 3 : 2);
    for (const p of painted) expect(p).toBeGreaterThan(1000);

    // The cell run's headline: five cards, unknown never shown as 0.
    const cell = page.locator('section#cell-0');
    expect(await cell.locator('.card .label').allTextContents()).toEqual(['not replicated (RPO)', 'lost', 'skipped', 'duplicated', 'consumer gap (RTO)']);
    for (const v of await cell.locator('.card .value').allTextContents()) expect(v).toMatch(/^(\d+|\d+ · (\d+\.\d s|seconds unknown)|unknown|\d+\.\d s|—)$/);
    // Its events: wall clock in UTC and seconds from the workload's start, the terminal's clock.
    const r = readResults(dir);
    const c = r.cells[0]!;
    for (const kind of ['kill', 'failover', 'first-backup-delivery', 'drain-done', 'verify-done']) expect(await cell.locator(`table.events tr.ev-${kind}`).count(), kind).toBe(1);
    for (const t of await cell.locator('table.events td:first-child').allTextContents()) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const kill = c.events!.find((e) => e.kind === 'kill')!;
    expect(kill.atMs).toBe(Date.parse(kill.t) - Date.parse(c.startedAt));
    expect(kill.atMs).toBe(c.phases.kill);
    expect(await cell.locator('table.events tr.ev-kill td:nth-child(2)').textContent()).toBe(((kill.atMs - c.phases['workload-started']!) / 1000).toFixed(1));
    // The timeline marks them (an inline Chart.js plugin draws the lines from DATA).
    // (DATA is a top-level const of the page's script: reachable by name, not as a property of window.)
    const marks = (await page.evaluate('DATA.timelines[0].marks.map((m) => m.kind)')) as string[];
    expect(marks).toEqual(expect.arrayContaining(['kill', 'failover', 'first-backup-delivery', 'drain-done']));
    // Links to the cell's logs, relative to report.html, each to a file that exists.
    const hrefs = await cell.locator('p.logs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThanOrEqual(3);
    for (const href of hrefs) expect(existsSync(join(dir, decodeURIComponent(href))), href).toBe(true);
  } finally {
    await browser.close();
  }
}, 60_000);

it('`report` re-renders everything from the saved history without re-running', async () => {
  const before = readResults(dir);
  for (const f of ['summary.md', 'junit.xml', 'report.html']) rmSync(join(dir, f));
  const r = await runCli(['report', dir, '--json'], { timeoutMs: 60_000 });
  expect(r.code).toBe(1);
  const after = JSON.parse(r.stdout) as RunResults;
  expect(after.cells[0]!.counts).toEqual(before.cells[0]!.counts);
  expect(after.cells[0]!.checks).toEqual(before.cells[0]!.checks);
  for (const f of ['summary.md', 'junit.xml', 'report.html']) expect(existsSync(join(dir, f))).toBe(true);
});

it('`report` drops the torn last line a killed run leaves, says so, and exits with the run\'s verdict', async () => {
  const torn = tornCopy(dir);
  const r = await runCli(['report', torn.dir, '--json'], { timeoutMs: 60_000 });
  expect(r.stderr).toContain(`history.ndjson: dropped a torn last line (${torn.tornBytes} bytes) — the run was killed while writing it`);
  expect(r.code, r.stderr).toBe(1);
  expect((JSON.parse(r.stdout) as RunResults).status).toBe('failed');
});

it('`report` refuses a history damaged before its last line, naming the line (exit 2)', async () => {
  const r = await runCli(['report', tornCopy(dir, 3).dir], { timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/history\.ndjson: line 3 of \d+ is not valid JSON/);
});

it('`report --json` piped to a slow reader prints the whole JSON (far more than a pipe holds)', async () => {
  const r = await runCli(['report', enlargedCopy(dir, 40), '--json'], { timeoutMs: 60_000, pauseStdoutMs: 1500 });
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout.length).toBeGreaterThan(256 * 1024);
  expect((JSON.parse(r.stdout) as RunResults).cells).toHaveLength(40);
}, 60_000);

/**
 * Times the phases of a drill: runs a scenario N times (default: quickstart, once) and prints
 * min / median / max of each phase across every cell run, from the phase events the drill
 * recorded, and each step of a scenario's own playbook (e.g. test/fixtures/failback-default.ts).
 * Also, per environment (paired variants share one): its wall time and the harness's overhead —
 * everything that is not the scenario's workload time up to the kill and its configured failover
 * delay — on the environment's own clock (from its turn: its clusters may have started ahead, in
 * the background, and its turn overlaps the previous one's drain) and on the run's wall clock (the whole drill's time shared out over its environments:
 * what a user waits for, process start and reports included), and the peak memory of all the
 * run's containers together and of the harness process.
 * Options after `runs` go to `mm2-drill run` (e.g. `--set pairing=false`, `--repeat 1`).
 * `--paired-vs-unpaired` among them: the same drill twice, as the scenario pairs it and with
 * `--set pairing=false`, printed side by side with the wall-clock ratio (docs/pairing-and-shards.md).
 * `--environments` (no scenario: `npm run bench -- --environments [runs]`): the quickstart and
 * `policy-vs-sync-interval` paired and unpaired, in one run, side by side.
 * Usage: npm run bench -- [scenario.ts] [runs] [run options...]
 * `npm run bench -- --scale [--seconds s] [--bytes n] [--partitions n] [--processes n]`: the
 * producer's ceiling against the harness's rate, as one process and as n (scripts/bench-scale.ts).
 * `npm run bench -- --ledger [--messages n] [--partitions n] [--variants n]`: the harness's memory
 * and history bytes per message, without Docker (scripts/bench-ledger.ts).
 */
import { $ } from 'zx';
import Table from 'cli-table3';
import type { PhaseName } from '../src/core/history/history.ts';
import { ownDurationMs, type RunResults } from '../src/core/results/results.ts';

if (process.argv.includes('--ledger')) {
  await import('./bench-ledger.ts');
  process.exit(0);
}
if (process.argv.includes('--scale')) {
  await import('./bench-scale.ts');
  process.exit(0);
}
const ENVIRONMENTS = '--environments';
const environmentsMode = process.argv.includes(ENVIRONMENTS);
const positional = process.argv.slice(2).filter((a) => a !== ENVIRONMENTS);
// `--environments` names its scenarios itself: its first argument is the run count.
const [scenario = 'scenarios/quickstart.ts', runsArg = '1', ...rest] = environmentsMode ? ['scenarios/quickstart.ts', ...positional] : positional;
const runs = Number(runsArg);
const COMPARE = '--paired-vs-unpaired';
const compare = rest.includes(COMPARE);
const runArgs = rest.filter((a) => a !== COMPARE);

/** Peak memory while `p` runs: every container of the Docker engine together (MiB), and the process `pid` (RSS, MiB). */
async function peakMemory<T>(pid: () => number | undefined, p: Promise<T>): Promise<{ value: T; containersMiB: number; harnessMiB: number }> {
  let containersMiB = 0;
  let harnessMiB = 0;
  let done = false;
  const mib = (x: string) => {
    const m = /^([\d.]+)\s*([KMG]i?B)/.exec(x.trim());
    if (!m) return 0;
    return Number(m[1]) * ({ KiB: 1 / 1024, KB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 } as Record<string, number>)[m[2]!]!;
  };
  const poll = (async () => {
    while (!done) {
      const stats = await $`docker stats --no-stream --format {{.MemUsage}}`.quiet().nothrow();
      containersMiB = Math.max(containersMiB, stats.stdout.split('\n').filter(Boolean).reduce((a, l) => a + mib(l.split('/')[0]!), 0));
      const id = pid();
      if (id) harnessMiB = Math.max(harnessMiB, Number((await $`ps -o rss= -p ${id}`.quiet().nothrow()).stdout.trim() || 0) / 1024);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  try {
    return { value: await p, containersMiB, harnessMiB };
  } finally {
    done = true;
    await poll;
  }
}

const spans: [string, PhaseName | 'start', PhaseName][] = [
  // From the environment's turn: one started ahead has started its clusters before it, in the background.
  ['clusters up (2 clusters + Toxiproxy), from its turn', 'turn', 'clusters-up'],
  ['MM2 up (remote topics created)', 'clusters-up', 'mirror-ready'],
  ['first record replicated', 'workload-started', 'mirror-replicating'],
  ['kill → consumer on backup', 'kill', 'failover-started'],
  ['failover → first backup delivery', 'failover-started', 'first-backup-delivery'],
  ['drain', 'first-backup-delivery', 'drain-done'],
  ['verify (read backup end to end)', 'drain-done', 'verify-done'],
];

interface Measured {
  readonly samples: Map<string, number[]>;
  readonly memory: { containersMiB: number; harnessMiB: number }[];
  readonly shape: Set<string>;
}

const setupStart = Date.now();
await $`bash scripts/setup.sh`.quiet();
const setupMs = Date.now() - setupStart;

/** Runs the drill of `file` `runs` times with `args` and gathers its phases, its environments' overhead and its peak memory. */
async function measure(args: readonly string[], file = scenario): Promise<Measured> {
  const samples = new Map<string, number[]>([['setup (already prepared machine)', [setupMs]]]);
  const memory: { containersMiB: number; harnessMiB: number }[] = [];
  const shape = new Set<string>();
  const add = (k: string, v: number) => samples.set(k, [...(samples.get(k) ?? []), v]);
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    const child = $`node bin/mm2-drill.js run ${file} ${args} --json --results results/bench`.quiet().nothrow();
    const { value: out, containersMiB, harnessMiB } = await peakMemory(() => child.child?.pid, child);
    const wall = Date.now() - t0;
    add('whole drill (all cells, wall clock)', wall);
    memory.push({ containersMiB, harnessMiB });
    if (out.exitCode !== 0) {
      console.error(`drill exited ${out.exitCode}:\n${out.stderr}`);
      process.exit(1);
    }
    const results = JSON.parse(out.stdout) as RunResults;
    // One environment per paired group (the first variant's run carries it), one per cell otherwise.
    const environments = results.cells.filter((c) => !c.pairedRun || c.pairedRun.environment === c.key);
    // MM2-side paired variants: a backup and an MM2 each (their remote topics differ by policy, or their settings do).
    const sides = Math.max(...environments.map((e) => new Set(results.cells.filter((c) => c.pairedRun?.environment === e.key).map((c) => JSON.stringify(c.mirrorSettings))).size || 1));
    shape.add(`${results.cells.length} cell run(s) in ${environments.length} environment(s), up to ${sides} backup(s) + MM2(s) each`);
    let scripted = 0;
    for (const c of environments) {
      add('environment total, from its turn', ownDurationMs(c));
      const workload = c.phases.kill !== undefined && c.phases['workload-started'] !== undefined ? c.phases.kill - c.phases['workload-started'] : 0;
      scripted += workload + (c.failoverDelayMs ?? 0);
      add('harness overhead per environment, its own clock from its turn (total − time ahead − workload to the kill − failover delay)', ownDurationMs(c) - workload - (c.failoverDelayMs ?? 0));
    }
    add('harness overhead per environment, run wall clock ((whole drill − workloads − failover delays) ÷ environments)', (wall - scripted) / environments.length);
    for (const c of results.cells) {
      add('cell total, from its turn', ownDurationMs(c));
      for (const [label, from, to] of spans) {
        // In a playbook the first backup delivery and the final drain are a round trip apart: its steps say more.
        if (c.roundTrip && label === 'drain') continue;
        const a = from === 'start' ? 0 : c.phases[from];
        const b = c.phases[to];
        if (a !== undefined && b !== undefined) add(label, b - a);
      }
      // A scenario's own playbook: each step's duration, by its label.
      for (const st of c.roundTrip?.steps ?? []) if (st.durationMs !== null) add(`step ${st.label}`, st.durationMs);
    }
  }
  return { samples, memory, shape };
}

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  return [sec(s[0]!), sec(s[Math.floor((s.length - 1) / 2)]!), sec(s[s.length - 1]!), String(s.length)];
};
const peak = (m: Measured, k: 'containersMiB' | 'harnessMiB') => Math.max(...m.memory.map((x) => x[k])).toFixed(0);
const median = (xs: number[] | undefined) => (xs?.length ? stat(xs)[1]! : '—');
const wall = (m: Measured) => m.samples.get('whole drill (all cells, wall clock)')!.reduce((x, y) => x + y, 0);
/** Each drill's median of every phase, side by side, then the containers' and the harness's peaks. */
function sideBySide(columns: readonly [string, Measured][]): string {
  const table = new Table({ head: ['phase (median s)', ...columns.map(([name]) => name)], style: { head: [], border: [] } });
  for (const k of new Set(columns.flatMap(([, m]) => [...m.samples.keys()]))) table.push([k, ...columns.map(([, m]) => median(m.samples.get(k)))]);
  table.push(['peak memory, containers together (MiB)', ...columns.map(([, m]) => peak(m, 'containersMiB'))]);
  table.push(['peak memory, harness process (MiB)', ...columns.map(([, m]) => peak(m, 'harnessMiB'))]);
  return table.toString();
}
if (environmentsMode) {
  // The environments' figures in one run: the quickstart's overhead and wall time, and the matrix
  // whose dimensions are all on MM2's side, paired and unpaired (`npm run bench -- --environments [runs]`).
  const policy = 'scenarios/policy-vs-sync-interval.ts';
  const quick = await measure([], 'scenarios/quickstart.ts');
  const paired = await measure(['--set', 'repeat=1'], policy);
  const unpaired = await measure(['--set', 'repeat=1', '--set', 'pairing=false'], policy);
  console.log(`environments: scenarios/quickstart.ts and ${policy} --set repeat=1 (paired, then --set pairing=false), ${runs} run(s) each, Node ${process.version}`);
  console.log(sideBySide([['quickstart', quick], ['policy-vs-sync-interval, paired', paired], ['…, unpaired', unpaired]]));
  console.log(`policy-vs-sync-interval: unpaired ÷ paired, whole drill wall clock: ${(wall(unpaired) / wall(paired)).toFixed(2)}×`);
} else if (compare) {
  const paired = await measure(runArgs);
  const unpaired = await measure([...runArgs, '--set', 'pairing=false']);
  console.log(`${scenario} ${runArgs.join(' ')}, ${runs} run(s) each, Node ${process.version}`);
  console.log(`  paired:   ${[...paired.shape].join('; ')}`);
  console.log(`  unpaired: ${[...unpaired.shape].join('; ')}`);
  console.log(sideBySide([['paired', paired], ['unpaired', unpaired]]));
  console.log(`unpaired ÷ paired, whole drill wall clock: ${(wall(unpaired) / wall(paired)).toFixed(2)}×`);
} else {
  const m = await measure(runArgs);
  const table = new Table({ head: ['phase', 'min s', 'median s', 'max s', 'n'], style: { head: [], border: [] } });
  for (const [k, xs] of m.samples) table.push([k, ...stat(xs)]);
  console.log(`${scenario}${runArgs.length ? ` ${runArgs.join(' ')}` : ''}, ${runs} run(s), Node ${process.version}: ${[...m.shape].join('; ')}`);
  console.log(table.toString());
  console.log(`peak memory: containers ${peak(m, 'containersMiB')} MiB together, harness process ${peak(m, 'harnessMiB')} MiB`);
}

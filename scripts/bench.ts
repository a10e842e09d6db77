/**
 * Times the phases of a drill: runs a scenario N times (default: quickstart, once) and prints
 * min / median / max of each phase across every cell run, from the phase events the drill
 * recorded, and each step of a scenario's own playbook (e.g. test/fixtures/failback-default.ts).
 * Usage: npm run bench -- [scenario.ts] [runs]
 */
import { $ } from 'zx';
import Table from 'cli-table3';
import type { PhaseName } from '../src/core/history.ts';
import type { RunResults } from '../src/core/results.ts';

const [scenario = 'scenarios/quickstart.ts', runsArg = '1'] = process.argv.slice(2);
const runs = Number(runsArg);

const spans: [string, PhaseName | 'start', PhaseName][] = [
  ['clusters up (2 clusters + Toxiproxy)', 'start', 'clusters-up'],
  ['MM2 up (remote topics created)', 'clusters-up', 'mirror-ready'],
  ['first record replicated', 'workload-started', 'mirror-replicating'],
  ['kill → consumer on backup', 'kill', 'failover-started'],
  ['failover → first backup delivery', 'failover-started', 'first-backup-delivery'],
  ['drain', 'first-backup-delivery', 'drain-done'],
  ['verify (read backup end to end)', 'drain-done', 'verify-done'],
];

const samples = new Map<string, number[]>();
const add = (k: string, v: number) => samples.set(k, [...(samples.get(k) ?? []), v]);

const setupStart = Date.now();
await $`bash scripts/setup.sh`.quiet();
add('setup (already prepared machine)', Date.now() - setupStart);

for (let i = 0; i < runs; i++) {
  const t0 = Date.now();
  const out = await $`node bin/mm2-drill.js run ${scenario} --json --results results/bench`.quiet().nothrow();
  add('whole drill (all cells, wall clock)', Date.now() - t0);
  if (out.exitCode !== 0) {
    console.error(`drill exited ${out.exitCode}:\n${out.stderr}`);
    process.exit(1);
  }
  const results = JSON.parse(out.stdout) as RunResults;
  for (const c of results.cells) {
    add('cell total', c.durationMs);
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

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  return [sec(s[0]!), sec(s[Math.floor((s.length - 1) / 2)]!), sec(s[s.length - 1]!), String(s.length)];
};
const table = new Table({ head: ['phase', 'min s', 'median s', 'max s', 'n'], style: { head: [], border: [] } });
for (const [k, xs] of samples) table.push([k, ...stat(xs)]);
console.log(`${scenario}, ${runs} run(s), Node ${process.version}`);
console.log(table.toString());

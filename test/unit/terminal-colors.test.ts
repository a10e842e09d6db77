/**
 * One rule for colours: FORCE_COLOR turns them on even into a pipe, NO_COLOR turns them off even on
 * a terminal. Node applies the rule to the environment of the process, so each case runs in a
 * process of its own with exactly the variables it names (a test runner's own variables, or those
 * an earlier test file left, cannot decide it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));
const script = `
import { PassThrough } from 'node:stream';
import { WriteStream } from 'node:tty';
import { colorsOn } from ${JSON.stringify(src('adapters/terminal-colors.ts'))};
import { consoleProgress } from ${JSON.stringify(src('run/progress.ts'))};
// A stream that answers as a 256-colour terminal would (its colour depth read from the environment, as a real one's is).
const terminal = Object.assign(new PassThrough(), { isTTY: true, getColorDepth: WriteStream.prototype.getColorDepth });
const out = new PassThrough();
let progress = '';
out.on('data', (b) => { progress += b.toString(); });
consoleProgress(out).event('kill: SIGKILL primary');
setImmediate(() => process.stdout.write(JSON.stringify({ terminal: colorsOn(terminal), pipe: colorsOn(new PassThrough()), progress })));
`;

/** What the rule decides in a process whose environment is a colour terminal's plus `vars`. */
function decided(vars: Record<string, string>): { terminal: boolean; pipe: boolean; progress: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...vars },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { terminal: boolean; pipe: boolean; progress: string };
}

describe('colorsOn', () => {
  it('is on for a colour terminal, off for a pipe', () => {
    expect(decided({})).toMatchObject({ terminal: true, pipe: false });
  });

  it('FORCE_COLOR=1 turns colours on, into a pipe too', () => {
    expect(decided({ FORCE_COLOR: '1' })).toMatchObject({ terminal: true, pipe: true });
  });

  it('NO_COLOR=1 (or TERM=dumb) turns them off on a terminal', () => {
    expect(decided({ NO_COLOR: '1' }).terminal).toBe(false);
    expect(decided({ TERM: 'dumb' }).terminal).toBe(false);
  });

  it('the progress lines follow it', () => {
    expect(decided({ FORCE_COLOR: '1' }).progress).toBe('\x1b[33m»\x1b[39m kill: SIGKILL primary\n');
    expect(decided({ NO_COLOR: '1' }).progress).toBe('» kill: SIGKILL primary\n');
  });
});
